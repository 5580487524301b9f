package org.samplex.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.samplex.experiment.IoErrors;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunKeys;

/**
 * A sweep's output folder: {@code results.sqlite} (the {@link ResultStore}) and {@code plan.json}, the plan that
 * filled it, written before any run starts.
 *
 * <p>{@code plan.json} is canonical JSON (sorted keys, indented): {@code samplex} (the version that planned it),
 * {@code preset} (the {@code samplex reproduce} figure, when it came from one), {@code plan} (the effective
 * grids, {@link Plan#toMap}) and {@code runs} (the run keys, sorted). Running a plan in a folder whose
 * {@code plan.json} lists other runs is refused unless extending: then the old file is kept as
 * {@code plan.1.json} (the next free number) and the new plan saved; rows already stored stay.
 *
 * <p>A restricted plan ({@link Plan#onlyRuns}, such as the one {@code samplex sweep missing} writes) may run in
 * a folder whose plan has all of its runs: it is part of that sweep, and the saved plan stays as it is.
 *
 * <p>The shards of a sweep all save the same plan, possibly at the same moment from several hosts: the file is
 * written whole (a temporary file, then an atomic rename), and a saved plan with the same runs is accepted.
 */
public final class SweepFolder {

    /** The plan's file in the folder. */
    public static final String PLAN_FILE = "plan.json";

    private SweepFolder() {
    }

    /**
     * Saves the plan in {@code dir} (creating it), or checks it against the plan saved there.
     *
     * @param preset the reproduction's name, or null
     * @param extend whether a plan with other runs may replace the saved one
     * @throws IllegalArgumentException when the saved plan has other runs and {@code extend} is false, saying
     *                                  how they differ
     * @throws UncheckedIOException     when the folder cannot be written or the saved plan read
     */
    public static void savePlan(Path dir, Plan plan, List<PlannedRun> runs, String preset, boolean extend) {
        Path file = dir.resolve(PLAN_FILE);
        Map<String, Object> document = document(plan, runs, preset);
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                String conflict = conflict(dir, runs, plan.onlyRuns() != null);
                if (conflict == null) {
                    return;
                }
                if (!extend) {
                    throw new IllegalArgumentException(conflict);
                }
                try {
                    Files.move(file, nextFree(dir), StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException movedByAnotherShard) {
                    // Another shard of this sweep moved it first; its plan and ours are the same.
                }
            }
            write(file, Json.write(document) + "\n");
        } catch (IOException e) {
            throw IoErrors.unchecked("cannot save the plan in " + dir, e);
        }
    }

    /**
     * How the plan saved in {@code dir} differs from {@code runs}, as the message that refuses it; null when the
     * folder has no saved plan or the same runs.
     */
    public static String conflict(Path dir, List<PlannedRun> runs) {
        return conflict(dir, runs, false);
    }

    /**
     * As {@link #conflict(Path, List)}; with {@code part} (a restricted plan), runs that are all in the saved plan
     * are no conflict either.
     */
    public static String conflict(Path dir, List<PlannedRun> runs, boolean part) {
        Map<?, ?> saved = savedPlan(dir);
        if (saved == null) {
            return null;
        }
        Set<String> savedRuns = new HashSet<>();
        if (saved.get("runs") instanceof List<?> keys) {
            keys.forEach(k -> savedRuns.add(String.valueOf(k)));
        }
        Set<String> newRuns = new TreeSet<>();
        runs.forEach(r -> newRuns.add(r.key()));
        if (part && savedRuns.containsAll(newRuns)) {
            return null;
        }
        return savedRuns.equals(newRuns) ? null : changed(dir.resolve(PLAN_FILE), saved, savedRuns, newRuns);
    }

    /** The saved plan document of a folder, or null when it has none. */
    public static Map<?, ?> savedPlan(Path dir) {
        Path file = dir.resolve(PLAN_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw IoErrors.unchecked("cannot read " + file, e);
        }
    }

    static Map<String, Object> document(Plan plan, List<PlannedRun> runs, String preset) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samplex", RunKeys.samplexVersion());
        if (preset != null) {
            m.put("preset", preset);
        }
        m.put("plan", plan.toMap());
        m.put("runs", runs.stream().map(PlannedRun::key).sorted().toList());
        return m;
    }

    private static Map<?, ?> read(Path file) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a saved plan (" + e.getMessage() + "); move it "
                    + "away or choose another --out", e);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + " is not a saved plan; move it away or choose another --out");
        }
        return m;
    }

    private static String changed(Path file, Map<?, ?> saved, Set<String> savedRuns, Set<String> newRuns) {
        long added = newRuns.stream().filter(k -> !savedRuns.contains(k)).count();
        long dropped = savedRuns.stream().filter(k -> !newRuns.contains(k)).count();
        String version = String.valueOf(saved.get("samplex"));
        String why = version.equals(RunKeys.samplexVersion()) ? ""
                : " (it was planned by samplex " + version + ", this is " + RunKeys.samplexVersion()
                + ", and run keys include the version)";
        String difference = added > 0 ? "this one has " + added + " run" + (added == 1 ? "" : "s") + " that "
                + file.getFileName() + " lacks" : "";
        if (dropped > 0) {
            difference += (difference.isEmpty() ? "this one lacks " : " and lacks ") + dropped + " of its "
                    + savedRuns.size() + " runs";
        }
        return file.getParent() + " holds another plan" + why + ": " + difference + "; rerun with --extend to "
                + "run this plan in this folder (the results already there stay), or choose another --out";
    }

    private static Path nextFree(Path dir) {
        for (int i = 1; ; i++) {
            Path p = dir.resolve("plan." + i + ".json");
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    /**
     * Writes a whole file or nothing: a temporary file in the same folder, then an atomic rename. The temporary
     * file is created as any new file is (mode 0666 less the umask), not as {@code Files.createTempFile} would
     * (0600), so the plan can be read by whoever may read the folder.
     */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
