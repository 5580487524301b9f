package org.samplex.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code count} parts of a sweep, so that machines that never talk to each other (the tasks of a Slurm job
 * array, the pods of a Kubernetes Indexed Job) split a plan between them without a coordinator.
 *
 * <p>The deal is a pure function of the plan's runs (so of the plan file and the samplex version, which the run
 * keys hash): the runs are sorted by run key, or by estimated cost, longest first, ties by key
 * ({@link Order#COST}), and run number p of that order goes to shard p mod count. Every run lands in exactly one
 * shard, and shard sizes differ by at most one. Each shard stores its results in its own SQLite file
 * {@code shard-INDEX-of-COUNT.sqlite} in the sweep's folder ({@link #fileName}); {@code samplex sweep merge}
 * joins them.
 *
 * @param index the shard, 0 to count - 1
 * @param count the number of shards, at least 1
 */
public record Shard(int index, int count) {

    /** Environment variables that name a task's index: Slurm job arrays, Kubernetes Indexed Jobs. */
    public static final List<String> INDEX_VARIABLES = List.of("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX");

    /** What {@link #parse} accepts, for messages. */
    static final String ACCEPTED = "I/N with 0 <= I < N (e.g. 3/8), or auto/N to take I from "
            + String.join(" or ", INDEX_VARIABLES);

    private static final Pattern FILE = Pattern.compile("shard-(\\d+)-of-(\\d+)\\.sqlite");
    private static final Pattern TEXT = Pattern.compile("(\\d+|auto)/(\\d+)");

    /** How runs are ordered before they are dealt. */
    public enum Order {
        /** By run key: no cost model needed. */
        KEY,
        /** By estimated cost ({@link CostModel#units}), longest first, ties by key: shards get similar work. */
        COST
    }

    public Shard {
        if (count < 1) {
            throw new IllegalArgumentException("a sweep has at least 1 shard, got " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist: the shard index "
                    + "goes from 0 to " + (count - 1));
        }
    }

    /**
     * The shard of {@code --shard}'s text: {@code I/N}, or {@code auto/N} with I from the first of
     * {@link #INDEX_VARIABLES} that {@code environment} sets.
     *
     * @throws IllegalArgumentException naming the text (or the variable) and what is accepted
     */
    public static Shard parse(String text, Map<String, String> environment) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("option '--shard' takes " + ACCEPTED + ", got '" + text + "'");
        }
        int count = number(m.group(2), "--shard " + text + ": the shard count");
        if (count < 1) {
            throw new IllegalArgumentException("option '--shard' needs at least 1 shard, got '" + text + "'; it takes "
                    + ACCEPTED);
        }
        if (!m.group(1).equals("auto")) {
            int index = number(m.group(1), "--shard " + text + ": the shard index");
            if (index >= count) {
                throw new IllegalArgumentException("option '--shard' got '" + text + "', but the index must be below "
                        + "the count (0 to " + (count - 1) + "); it takes " + ACCEPTED);
            }
            return new Shard(index, count);
        }
        for (String variable : INDEX_VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                if (!value.strip().matches("\\d+")) {
                    throw new IllegalArgumentException("--shard " + text + ": " + variable + " is '" + value
                            + "', not a shard index (0 to " + (count - 1) + ")");
                }
                int index = number(value.strip(), "--shard " + text + ": " + variable);
                if (index >= count) {
                    throw new IllegalArgumentException("--shard " + text + ": " + variable + " is " + index
                            + ", but there are only " + count + " shards (0 to " + (count - 1) + "); is the job's "
                            + "array or completion count " + count + "?");
                }
                return new Shard(index, count);
            }
        }
        throw new IllegalArgumentException("--shard " + text + ": neither " + String.join(" nor ", INDEX_VARIABLES)
                + " is set (they are set in a Slurm array task or a Kubernetes Indexed Job's pod); give the index "
                + "instead: --shard I/" + count);
    }

    private static int number(String digits, String what) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is too large: " + digits, e);
        }
    }

    /** The shard's results file in the sweep's folder: {@code shard-INDEX-of-COUNT.sqlite}. */
    public String fileName() {
        return "shard-" + index + "-of-" + count + ".sqlite";
    }

    /** The shard a file name belongs to, or null when the name is not a shard's file. */
    public static Shard ofFileName(String name) {
        Matcher m = FILE.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            int index = Integer.parseInt(m.group(1));
            int count = Integer.parseInt(m.group(2));
            return index < count ? new Shard(index, count) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * This shard's runs, in the plan's order (seed-major, as {@link Plan#expand} gives them).
     *
     * @param runs the plan's runs, without repeats
     * @param cost a run's estimated cost for {@link Order#COST}; unused for {@link Order#KEY}
     */
    public List<PlannedRun> select(List<PlannedRun> runs, Order order, ToDoubleFunction<PlannedRun> cost) {
        Set<String> mine = new HashSet<>();
        List<PlannedRun> dealt = dealingOrder(runs, order, cost);
        for (int p = index; p < dealt.size(); p += count) {
            mine.add(dealt.get(p).key());
        }
        List<PlannedRun> out = new ArrayList<>();
        for (PlannedRun r : runs) {
            if (mine.contains(r.key())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The runs in the order they are dealt: by key, or by cost (longest first) then key. */
    static List<PlannedRun> dealingOrder(List<PlannedRun> runs, Order order, ToDoubleFunction<PlannedRun> cost) {
        Comparator<PlannedRun> byKey = Comparator.comparing(PlannedRun::key);
        Comparator<PlannedRun> comparator = switch (order) {
            case KEY -> byKey;
            case COST -> Comparator.comparingDouble(cost).reversed().thenComparing(byKey);
        };
        List<PlannedRun> sorted = new ArrayList<>(runs);
        sorted.sort(comparator);
        return sorted;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
