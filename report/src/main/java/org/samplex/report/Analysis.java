package org.samplex.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.report.Observation.Outcome;

/**
 * The runs of a sweep grouped by series (learner plus the settings that differ between runs, other than N and
 * the seed), N and threshold, with n* per seed, cells of medians and slopes of log n* on log N.
 */
public final class Analysis {

    /** Spec keys that never name a series: the grid's N and seed axes, where a run ran, what it kept. */
    private static final Set<String> NOT_SERIES = Set.of("learner", "seed", "thresholds", "backend", "threads",
            "inspect", "task_options.N");

    private final List<RunRecord> runs;
    private final Map<RunRecord, String> seriesOf = new LinkedHashMap<>();
    private final List<String> series;
    private final List<Integer> ns;
    private final List<Double> thresholds;
    private final List<Observation> observations = new ArrayList<>();
    private final Map<String, String> shared;

    private Analysis(List<RunRecord> runs) {
        this.runs = List.copyOf(runs);
        Map<RunRecord, Map<String, String>> flat = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            flat.put(r, flatten(r.spec().toMap()));
        }
        Set<String> keys = new TreeSet<>();
        flat.values().forEach(m -> keys.addAll(m.keySet()));
        List<String> varying = new ArrayList<>();
        Map<String, String> same = new TreeMap<>();
        for (String k : keys) {
            Set<String> values = new TreeSet<>();
            flat.values().forEach(m -> values.add(m.getOrDefault(k, "(none)")));
            if (values.size() > 1) {
                varying.add(k);
            } else if (!NOT_SERIES.contains(k)) {
                same.put(k, values.iterator().next());
            }
        }
        this.shared = same;
        Map<RunRecord, String> labelled = labels(flat, varying);
        TreeSet<String> labels = new TreeSet<>(Analysis::natural);
        TreeSet<Integer> allN = new TreeSet<>();
        TreeSet<Double> allThresholds = new TreeSet<>(Comparator.reverseOrder());
        for (RunRecord r : runs) {
            String label = labelled.get(r);
            seriesOf.put(r, label);
            labels.add(label);
            allN.add(n(r));
            allThresholds.addAll(r.spec().thresholds());
            for (Crossing c : r.crossings()) {
                Outcome o = c.crossed() ? Outcome.CROSSED
                        : r.status() == RunRecord.Status.DIVERGED ? Outcome.DIVERGED : Outcome.CENSORED;
                observations.add(new Observation(label, r.spec().learner(), n(r), c.threshold(), r.spec().seed(),
                        c.nStar(), bound(r), o));
            }
        }
        this.series = List.copyOf(labels);
        this.ns = List.copyOf(allN);
        this.thresholds = List.copyOf(allThresholds);
        observations.sort(Comparator.comparing((Observation o) -> series.indexOf(o.series()))
                .thenComparingInt(Observation::n).thenComparing(Observation::threshold, Comparator.reverseOrder())
                .thenComparingLong(Observation::seed));
    }

    /**
     * Each run's series label: its learner, then "key=value" for every spec setting in {@code varying} that names
     * a series. A learner option names one only when it differs between runs of that learner, since learners
     * have options of their own.
     */
    private static Map<RunRecord, String> labels(Map<RunRecord, Map<String, String>> flat, List<String> varying) {
        Map<String, Set<String>> learnerVaries = new LinkedHashMap<>();
        for (String k : varying) {
            if (k.startsWith("learner_options.")) {
                Map<String, Set<String>> byLearner = new LinkedHashMap<>();
                flat.forEach((r, m) -> byLearner.computeIfAbsent(r.spec().learner(), x -> new TreeSet<>())
                        .add(m.getOrDefault(k, "(none)")));
                byLearner.forEach((learner, values) -> {
                    if (values.size() > 1) {
                        learnerVaries.computeIfAbsent(learner, x -> new TreeSet<>()).add(k);
                    }
                });
            }
        }
        Map<RunRecord, String> out = new LinkedHashMap<>();
        flat.forEach((r, m) -> {
            StringBuilder label = new StringBuilder(r.spec().learner());
            for (String k : varying) {
                boolean names = k.startsWith("learner_options.")
                        ? learnerVaries.getOrDefault(r.spec().learner(), Set.of()).contains(k)
                        : !NOT_SERIES.contains(k);
                if (names) {
                    label.append(' ').append(k.substring(k.indexOf('.') + 1)).append('=')
                            .append(m.getOrDefault(k, "(none)"));
                }
            }
            out.put(r, label.toString());
        });
        return out;
    }

    /**
     * What a threshold the run did not cross is known to exceed: its cap, or, for a run that trained to a rule
     * (epochs, training loss) and stopped before the cap, the prompts it saw.
     */
    static long bound(RunRecord r) {
        return r.spec().trainsToRule() ? r.promptsSeen() : r.spec().cap();
    }

    /** The analysis of these runs (completed, censored and diverged; failed runs have no record). */
    public static Analysis of(List<RunRecord> runs) {
        return new Analysis(runs);
    }

    /** N of a run: its task's positions ({@link RunRecord#shape}). */
    public static int n(RunRecord r) {
        return axis(r, TaskShape.Axis.POSITIONS);
    }

    public List<RunRecord> runs() {
        return runs;
    }

    /** Series labels in natural order ("heads=2" before "heads=10"). */
    public List<String> series() {
        return series;
    }

    public String seriesOf(RunRecord r) {
        return seriesOf.get(r);
    }

    /** q of a run: its task's pointers per token ({@link RunRecord#shape}). */
    public static int q(RunRecord r) {
        return axis(r, TaskShape.Axis.POINTERS);
    }

    /**
     * An axis of a run's task shape; a record written before records carried the shape gives its task option of
     * the axis's letter (N; q, 1 when absent), as the qstr task names them.
     */
    private static int axis(RunRecord r, TaskShape.Axis axis) {
        if (r.shape() != null) {
            return axis.of(r.shape());
        }
        Object v = r.spec().taskOptions().get(axis.key());
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (axis == TaskShape.Axis.POINTERS) {
            return 1;
        }
        throw new IllegalArgumentException("run of " + r.spec().learner() + " seed " + r.spec().seed()
                + " has no task shape (a record older than the shape) and no task option N; the report groups "
                + "runs by N");
    }

    /**
     * Whether the sweep varies q at a single N (the paper's Figure 3): its n* is then drawn against q, one line per
     * learner, since each learner's width follows q and the series split by it.
     */
    public boolean againstQ() {
        return ns.size() == 1 && runs.stream().map(Analysis::q).distinct().count() > 1;
    }

    /** The q of the runs, ascending. */
    public List<Integer> qs() {
        return runs.stream().map(Analysis::q).distinct().sorted().toList();
    }

    /** The learners of the runs, in series order. */
    public List<String> learners() {
        return series.stream().map(s -> first(s).spec().learner()).distinct().toList();
    }

    /** The cell of a learner at q (its series with that q, at the single N), or null. */
    public Cell cellAtQ(String learner, int q, double threshold) {
        for (String s : series) {
            RunRecord r = first(s);
            if (r.spec().learner().equals(learner) && q(r) == q) {
                return cell(s, ns.getFirst(), threshold);
            }
        }
        return null;
    }

    /** The first run of a series (its learner and learner options stand for the series'). */
    public RunRecord first(String series) {
        return runs.stream().filter(r -> seriesOf.get(r).equals(series)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no series '" + series + "'"));
    }

    /** The series' name beside a paper figure ({@link PaperFigure#nameOf}), or its label when there is none. */
    public String name(String series, PaperFigure figure) {
        if (figure == null) {
            return series;
        }
        RunRecord r = first(series);
        return figure.nameOf(series, r.spec().learner(), r.spec().learnerOptions());
    }

    public List<Integer> ns() {
        return ns;
    }

    /** Every threshold of any run, descending. */
    public List<Double> thresholds() {
        return thresholds;
    }

    /** Sorted by series, N, threshold (descending) and seed. */
    public List<Observation> observations() {
        return observations;
    }

    /** The spec settings every run shares (flattened keys such as "task_options.d"), for the summary. */
    public Map<String, String> sharedSettings() {
        return shared;
    }

    /** The cell, or null when the series has no run at this N with this threshold. */
    public Cell cell(String series, int n, double threshold) {
        List<Observation> in = observations.stream().filter(o -> o.series().equals(series) && o.n() == n
                && Double.compare(o.threshold(), threshold) == 0).toList();
        return in.isEmpty() ? null : new Cell(series, n, threshold, in);
    }

    /** The runs of one series at one N, by seed. */
    public List<RunRecord> runs(String series, int n) {
        return runs.stream().filter(r -> seriesOf.get(r).equals(series) && n(r) == n)
                .sorted(Comparator.comparingLong(r -> r.spec().seed())).toList();
    }

    /** The slope over every N. */
    public Slope slope(String series, double threshold) {
        return slope(series, threshold, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * The slope over the N in [nMin, nMax] that have at least one value. The bootstrap is seeded from the series
     * and threshold, so the same runs always give the same interval.
     */
    public Slope slope(String series, double threshold, int nMin, int nMax) {
        List<Integer> used = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        int censored = 0;
        int diverged = 0;
        for (int n : ns) {
            Cell c = n < nMin || n > nMax ? null : cell(series, n, threshold);
            if (c == null) {
                continue;
            }
            diverged += c.diverged();
            if (c.values().length > 0) {
                censored += c.censored();
                used.add(n);
                values.add(c.values());
            }
        }
        if (used.size() < 2) {
            return new Slope(series, threshold, used, null, null, censored, diverged);
        }
        double[] x = used.stream().mapToDouble(Integer::doubleValue).toArray();
        long seed = (series + "|" + Json.number(threshold)).hashCode() * 0x9E3779B97F4A7C15L;
        return new Slope(series, threshold, used, Estimators.logLogMedianFit(x, values),
                Estimators.bootstrapSlope(x, values, Estimators.RESAMPLES, seed), censored, diverged);
    }

    /** "key" -> canonical JSON of the value, options flattened to "learner_options.heads" and the like. */
    private static Map<String, String> flatten(Map<String, Object> spec) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : spec.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                m.forEach((k, v) -> out.put(e.getKey() + "." + k, Json.canonical(v).replace("\"", "")));
            } else {
                out.put(e.getKey(), Json.canonical(e.getValue()).replace("\"", ""));
            }
        }
        return out;
    }

    /** Text order, with runs of digits compared as numbers. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = i;
                int ej = j;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
