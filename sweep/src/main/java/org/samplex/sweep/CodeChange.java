package org.samplex.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.samplex.experiment.CodeIdentity;

/**
 * What a resume or a merge does with stored runs that other code computed (their record's {@link CodeIdentity}
 * fingerprint differs from the code that would compute them now, or they have none: made before samplex recorded
 * it). Run keys stay as they are (the spec and the version); the code is compared separately, so a change that
 * alters one learner's numerics is found without touching the runs of the others.
 *
 * <ul>
 *   <li>{@link #REFUSE} (the default): say how many, from which code, and stop (exit 2) naming the other two.</li>
 *   <li>{@link #RERUN}: delete those rows and run them again with this code (the other rows stay).</li>
 *   <li>{@link #KEEP}: keep them as they are, saying how many; the store then mixes code, as its records say.</li>
 * </ul>
 */
public enum CodeChange {
    REFUSE, RERUN, KEEP;

    /** The option's spelling. */
    public static final String OPTION = "--code-changed";

    /** {@code refuse}, {@code rerun} or {@code keep}. */
    public static CodeChange parse(String text) {
        for (CodeChange c : values()) {
            if (c.name().equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("option '" + OPTION + "' takes refuse, rerun or keep, got '" + text + "'");
    }

    /**
     * The stored runs of {@code runs} (finished ones) whose code differs from what {@code trainer} would run them
     * with; empty when the trainer cannot tell its code.
     *
     * @return run key to the stored identity (null: none recorded), in key order
     */
    public static Map<String, CodeIdentity> stale(ResultStore store, List<PlannedRun> runs, RunService trainer) {
        Map<String, PlannedRun> planned = new HashMap<>();
        runs.forEach(r -> planned.put(r.key(), r));
        Map<String, CodeIdentity> out = new LinkedHashMap<>();
        for (ResultStore.StoredRun row : store.all()) {
            PlannedRun run = planned.get(row.runKey());
            if (run == null || row.recordJson() == null) {
                continue;
            }
            CodeIdentity now = trainer.codeIdentity(run.spec());
            if (now == null) {
                return Map.of();
            }
            CodeIdentity then = CodeIdentity.fromRecordJson(row.recordJson());
            if (then == null || !then.fingerprint().equals(now.fingerprint())) {
                out.put(row.runKey(), then);
            }
        }
        return out;
    }

    /**
     * Applies this policy to the stale runs of a resume before anything runs.
     *
     * @param say where the counts go (one line)
     * @throws IllegalArgumentException under {@link #REFUSE} when there are any
     */
    public void apply(ResultStore store, Map<String, CodeIdentity> stale, CodeIdentity now, Consumer<String> say) {
        if (stale.isEmpty()) {
            return;
        }
        String found = describe(stale, now, store.location());
        switch (this) {
            case REFUSE -> throw new IllegalArgumentException(found + "; rerun with " + OPTION + " rerun to compute "
                    + (stale.size() == 1 ? "it" : "them") + " again with this code (the rows are replaced), or "
                    + OPTION + " keep to keep " + (stale.size() == 1 ? "it" : "them")
                    + " (the store then mixes code; each record says which)");
            case RERUN -> {
                int deleted = store.delete(stale.keySet());
                say.accept("samplex: " + found + "; " + OPTION + " rerun: " + deleted + " row"
                        + (deleted == 1 ? "" : "s") + " deleted, to run again with " + (now == null ? "this code"
                        : now.describe()));
            }
            case KEEP -> say.accept("samplex: " + found + "; " + OPTION + " keep: kept as they are");
        }
    }

    /** "3 of the stored runs were computed by other code (2 by code ..., 1 without a code identity) ...". */
    static String describe(Map<String, CodeIdentity> stale, CodeIdentity now, String where) {
        Map<String, Integer> byCode = new LinkedHashMap<>();
        Set<String> modules = new TreeSet<>();
        for (CodeIdentity c : stale.values()) {
            byCode.merge(c == null ? "without a code identity (made before samplex recorded one)"
                    : "by " + c.describe(), 1, Integer::sum);
            if (c != null && now != null) {
                modules.addAll(c.modulesDifferingFrom(now));
            }
        }
        List<String> parts = new ArrayList<>();
        byCode.forEach((code, n) -> parts.add(n + " " + code));
        return stale.size() + " stored run" + (stale.size() == 1 ? " in " + where + " was" : "s in " + where
                + " were") + " computed by other code than this samplex's" + (now == null ? "" : " ("
                + now.describe() + ")") + ": " + String.join(", ", parts)
                + (modules.isEmpty() ? "" : "; modules that differ: " + String.join(", ", modules));
    }

    /** The lower-case spelling. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
