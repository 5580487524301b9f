package org.samplex.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole JMH suite in a bounded time and prints one table: benchmark, case, shape, mean time per
 * operation with its 99.9% error, and GFLOP/s where a flop count means something (products, attention, the GRU
 * step; not the training step). With the defaults (1 fork, 2 warm-up and 3 measured iterations of 1 s) the
 * 65 cases take about 8 minutes on 2 cores; {@code --dry-run} lists them with the estimate first.
 *
 * <pre>
 * java -cp 'bench/target/samplex-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' org.samplex.bench.Suite \
 *     [--threads 2] [--only gemm,reference,attention,gru,step] [--shapes REGEX] [--quick] [--out DIR]
 * </pre>
 *
 * <p>Writes into {@code --out} (default {@code target/jmh-suite}): {@code suite.md} (the table, as printed),
 * {@code jmh-GROUP.json} (JMH's results) and {@code jmh-GROUP.log} (JMH's own output, one file per group).
 * Exits 0 when every case produced a result, 1 when some failed (their rows say so; the log has the reason),
 * 2 for a bad argument.
 */
public final class Suite {

    /** The groups of cases, each one JMH run. */
    enum Group {
        GEMM("gemm", "GemmBenchmark\\.gemm$"),
        REFERENCE("reference", "GemmBenchmark\\.gemm$"),
        ATTENTION("attention", "AttentionBenchmark\\.(forward|backward)$"),
        GRU("gru", "GruStepBenchmark\\.(forward|backward)$"),
        STEP("step", "TrainingStepBenchmark\\.(step|evaluate)$");

        final String word;
        final String include;

        Group(String word, String include) {
            this.word = word;
            this.include = include;
        }

        static Group of(String word) {
            for (Group g : values()) {
                if (g.word.equals(word)) {
                    return g;
                }
            }
            throw new IllegalArgumentException("--only takes a list of gemm, reference, attention, gru, step; got '"
                    + word + "'");
        }
    }

    /** Shapes timed on the float64 scalar {@code reference} backend as a baseline (it is slow: a few only). */
    static final List<String> REFERENCE_SHAPES = List.of("square256", "tr8.fc1.fwd", "mlp8.fc2.fwd");
    /** Sequence lengths of the attention cases. */
    static final List<Integer> ATTENTION_POSITIONS = List.of(8, 12, 64);
    /** Learners of the training-step cases. */
    static final List<String> LEARNERS = List.of("transformer", "mlp", "gru");
    /** Sequence length of the training-step cases. */
    static final int STEP_POSITIONS = 8;
    /** Hidden width of the GRU-step cases (the paper's). */
    static final int GRU_HIDDEN = 500;
    /** Seconds a fork costs beyond its iterations (JVM start, setup), for the estimate. */
    private static final double FORK_OVERHEAD_SECONDS = 1.5;

    /**
     * What the command line asked for.
     *
     * @param threads    backend worker threads
     * @param groups     which groups run
     * @param shapes     gemm shapes whose name matches this are run
     * @param warmup     warm-up iterations per case
     * @param iterations measured iterations per case
     * @param seconds    seconds per iteration
     * @param out        folder for the table and JMH's files
     * @param dryRun     list the cases and the estimate, run nothing
     */
    record Settings(int threads, Set<Group> groups, Pattern shapes, int warmup, int iterations, double seconds,
                    Path out, boolean dryRun) {

        /** Estimated wall seconds of {@code cases} cases. */
        double estimate(int cases) {
            return cases * ((warmup + iterations) * seconds + FORK_OVERHEAD_SECONDS);
        }
    }

    /**
     * One row of the table: a benchmark method at some parameter values.
     *
     * @param group     its group
     * @param method    the benchmark method's simple name
     * @param params    the parameter values that tell it apart from the group's other cases
     * @param benchmark the table's first column
     * @param label     the case
     * @param shape     the geometry
     * @param calls     how often a training step makes it ("-" when that says nothing)
     * @param flops     floating-point operations per op for GFLOP/s; NaN when not meaningful
     */
    record Case(Group group, String method, Map<String, String> params, String benchmark, String label, String shape,
                String calls, double flops) {

        boolean matches(RunResult r) {
            String name = r.getParams().getBenchmark();
            if (!name.substring(name.lastIndexOf('.') + 1).equals(method)) {
                return false;
            }
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (!e.getValue().equals(r.getParams().getParam(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A measured case: mean and 99.9% error in microseconds per op; NaN mean when it failed. */
    record Row(Case c, double meanMicros, double errorMicros) {
    }

    private Suite() {
    }

    public static void main(String[] args) throws IOException {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Suite: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.println(usage());
            return;
        }
        Map<Group, List<Case>> plan = plan(settings);
        int total = plan.values().stream().mapToInt(List::size).sum();
        System.out.printf(Locale.ROOT, "JMH suite: %d cases, %d warm-up + %d measured iterations of %.2f s, "
                        + "1 fork each, backend threads %d; about %.1f min%n", total, settings.warmup(),
                settings.iterations(), settings.seconds(), settings.threads(), settings.estimate(total) / 60);
        if (settings.dryRun()) {
            for (List<Case> cases : plan.values()) {
                for (Case c : cases) {
                    System.out.println("  " + c.benchmark() + " | " + c.label() + " | " + c.shape());
                }
            }
            return;
        }
        Files.createDirectories(settings.out());
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (Map.Entry<Group, List<Case>> e : plan.entrySet()) {
            Group g = e.getKey();
            List<Case> cases = e.getValue();
            if (cases.isEmpty()) {
                continue;
            }
            Path log = settings.out().resolve("jmh-" + g.word + ".log");
            System.out.printf(Locale.ROOT, "[%s] %d cases, about %.1f min (JMH output: %s)%n", g.word,
                    cases.size(), settings.estimate(cases.size()) / 60, log);
            Collection<RunResult> results = run(g, cases, settings, log);
            for (Case c : cases) {
                RunResult r = results.stream().filter(c::matches).findFirst().orElse(null);
                rows.add(r == null ? new Row(c, Double.NaN, Double.NaN)
                        : new Row(c, r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
            }
        }
        double minutes = (System.nanoTime() - start) * 1e-9 / 60;
        String table = table(settings, rows, minutes);
        System.out.println();
        System.out.print(table);
        Path md = settings.out().resolve("suite.md");
        Files.writeString(md, table, StandardCharsets.UTF_8);
        System.out.println("written: " + md);
        long failed = rows.stream().filter(r -> Double.isNaN(r.meanMicros())).count();
        if (failed > 0) {
            System.err.println("Suite: " + failed + " case(s) failed; see the jmh-*.log files in " + settings.out());
            System.exit(1);
        }
    }

    /** The cases of every selected group, in table order. */
    static Map<Group, List<Case>> plan(Settings s) {
        checkShapeParams();
        Map<Group, List<Case>> plan = new LinkedHashMap<>();
        if (s.groups().contains(Group.GEMM)) {
            List<Case> cases = new ArrayList<>();
            for (GemmShape shape : GemmShape.all()) {
                if (s.shapes().matcher(shape.name()).find()) {
                    cases.add(gemmCase(Group.GEMM, shape, "gemm cpu"));
                }
            }
            plan.put(Group.GEMM, cases);
        }
        if (s.groups().contains(Group.REFERENCE)) {
            List<Case> cases = new ArrayList<>();
            for (String name : REFERENCE_SHAPES) {
                if (s.shapes().matcher(name).find()) {
                    cases.add(gemmCase(Group.REFERENCE, GemmShape.of(name), "gemm reference (1 thread)"));
                }
            }
            plan.put(Group.REFERENCE, cases);
        }
        if (s.groups().contains(Group.ATTENTION)) {
            List<Case> cases = new ArrayList<>();
            for (String method : List.of("forward", "backward")) {
                for (int n : ATTENTION_POSITIONS) {
                    double flops = AttentionBenchmark.forwardFlops(n) * (method.equals("forward") ? 1 : 2);
                    cases.add(new Case(Group.ATTENTION, method, Map.of("positions", Integer.toString(n)),
                            "attention " + method, "N=" + n, "B64 H1 D" + GemmShape.tokenWidth(n), "1", flops));
                }
            }
            plan.put(Group.ATTENTION, cases);
        }
        if (s.groups().contains(Group.GRU)) {
            List<Case> cases = new ArrayList<>();
            for (String method : List.of("forward", "backward")) {
                double flops = GruStepBenchmark.forwardFlops(GRU_HIDDEN) * (method.equals("forward") ? 1 : 2);
                cases.add(new Case(Group.GRU, method, Map.of("hidden", Integer.toString(GRU_HIDDEN)),
                        "gru step " + method, "h=" + GRU_HIDDEN, "B64, NT 64x1500x500" + (method.equals("forward")
                        ? " + cell" : " + NN + TN + cell"), Integer.toString(2 * (STEP_POSITIONS - 1)), flops));
            }
            plan.put(Group.GRU, cases);
        }
        if (s.groups().contains(Group.STEP)) {
            List<Case> cases = new ArrayList<>();
            for (String method : List.of("step", "evaluate")) {
                for (String learner : LEARNERS) {
                    cases.add(new Case(Group.STEP, method, Map.of("learner", learner), method.equals("step")
                            ? "training step" : "evaluation, 1,000 prompts", learner + " N=" + STEP_POSITIONS,
                            "B" + (method.equals("step") ? GemmShape.BATCH : TrainingStepBenchmark.EVAL_PROMPTS),
                            "-", Double.NaN));
                }
            }
            plan.put(Group.STEP, cases);
        }
        return plan;
    }

    /**
     * The suite passes gemm shapes by name from {@link GemmShape#all}; a plain JMH run uses the list in
     * {@link GemmBenchmark#shape}'s annotation. The two must name the same shapes in the same order.
     */
    private static void checkShapeParams() {
        List<String> annotated;
        try {
            annotated = List.of(GemmBenchmark.class.getField("shape").getAnnotation(Param.class).value());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("GemmBenchmark has no field 'shape'", e);
        }
        List<String> table = GemmShape.all().stream().map(GemmShape::name).toList();
        if (!annotated.equals(table)) {
            throw new IllegalStateException("GemmBenchmark.shape's @Param list " + annotated
                    + " differs from GemmShape.all() " + table);
        }
    }

    private static Case gemmCase(Group g, GemmShape shape, String benchmark) {
        return new Case(g, "gemm", Map.of("shape", shape.name()), benchmark, shape.name(), shape.geometry(),
                shape.callsPerStep() == 0 ? "-" : Integer.toString(shape.callsPerStep()), shape.flops());
    }

    /** One JMH run of a group's cases; JMH's output goes to {@code log}, its results next to it as JSON. */
    private static Collection<RunResult> run(Group g, List<Case> cases, Settings s, Path log) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(g.include)
                .forks(1)
                .warmupIterations(s.warmup())
                .warmupTime(time(s.seconds()))
                .measurementIterations(s.iterations())
                .measurementTime(time(s.seconds()))
                .output(log.toString())
                .result(s.out().resolve("jmh-" + g.word + ".json").toString())
                .resultFormat(ResultFormatType.JSON);
        String threads = Integer.toString(s.threads());
        switch (g) {
            case GEMM -> o.param("backend", "cpu").param("threads", threads)
                    .param("shape", cases.stream().map(c -> c.params().get("shape")).toArray(String[]::new));
            case REFERENCE -> o.param("backend", "reference").param("threads", "1")
                    .param("shape", cases.stream().map(c -> c.params().get("shape")).toArray(String[]::new));
            case ATTENTION -> o.param("backend", "cpu").param("threads", threads)
                    .param("positions", ATTENTION_POSITIONS.stream().map(String::valueOf).toArray(String[]::new));
            case GRU -> o.param("backend", "cpu").param("threads", threads)
                    .param("hidden", Integer.toString(GRU_HIDDEN));
            case STEP -> o.param("backend", "cpu").param("threads", threads)
                    .param("learner", LEARNERS.toArray(String[]::new))
                    .param("positions", Integer.toString(STEP_POSITIONS));
            default -> throw new IllegalStateException("unknown group " + g);
        }
        try {
            return new Runner(o.build()).run();
        } catch (RunnerException e) {
            System.err.println("Suite: JMH failed for " + g.word + ": " + e.getMessage() + " (see " + log + ")");
            return List.of();
        }
    }

    private static TimeValue time(double seconds) {
        return new TimeValue(Math.max(1, Math.round(seconds * 1000)), TimeUnit.MILLISECONDS);
    }

    /** The markdown table with a few lines on how it was made. */
    static String table(Settings s, List<Row> rows, double minutes) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "JMH suite, %s: JDK %s, %d processors (%s), backend threads %d; "
                        + "1 fork, %d warm-up + %d measured iterations of %.2f s; %.1f min.%n%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), cpuModel(), s.threads(), s.warmup(), s.iterations(),
                s.seconds(), minutes));
        b.append("| benchmark | case | shape | calls/step | mean | ± 99.9% | GFLOP/s |\n");
        b.append("|---|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Case c = r.c();
            boolean failed = Double.isNaN(r.meanMicros());
            String gflops = failed || Double.isNaN(c.flops()) ? "-"
                    : String.format(Locale.ROOT, "%.2f", c.flops() / r.meanMicros() / 1e3);
            b.append("| ").append(c.benchmark()).append(" | ").append(c.label()).append(" | ").append(c.shape())
                    .append(" | ").append(c.calls()).append(" | ")
                    .append(failed ? "FAILED" : duration(r.meanMicros())).append(" | ")
                    .append(failed || Double.isNaN(r.errorMicros()) ? "n/a" : duration(r.errorMicros()))
                    .append(" | ").append(gflops).append(" |\n");
        }
        b.append("\ncalls/step: how often one training step at N = ").append(STEP_POSITIONS)
                .append(" (tr12: N = 12) makes it; for eval products, per 1,000-prompt test chunk.\n");
        return b.toString();
    }

    /** A duration given in microseconds, in the unit that reads best. */
    static String duration(double micros) {
        if (micros < 1e3) {
            return String.format(Locale.ROOT, "%.2f µs", micros);
        }
        if (micros < 1e6) {
            return String.format(Locale.ROOT, "%.3f ms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.3f s", micros / 1e6);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the model is only for the report
        }
        return System.getProperty("os.arch");
    }

    /** The settings, or null when help was asked for. */
    static Settings parse(String[] args) {
        int threads = 2;
        Set<Group> groups = EnumSet.allOf(Group.class);
        Pattern shapes = Pattern.compile("");
        int warmup = 2;
        int iterations = 3;
        double seconds = 1.0;
        Path out = Path.of("target", "jmh-suite");
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--quick" -> {
                    warmup = 1;
                    iterations = 1;
                    seconds = 0.2;
                }
                case "--dry-run" -> dryRun = true;
                case "--threads" -> threads = positive(a, value(args, ++i, a));
                case "--warmup" -> warmup = nonNegative(a, value(args, ++i, a));
                case "--iterations" -> iterations = positive(a, value(args, ++i, a));
                case "--seconds" -> seconds = seconds(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--only" -> {
                    groups = EnumSet.noneOf(Group.class);
                    for (String w : value(args, ++i, a).split(",")) {
                        groups.add(Group.of(w.trim()));
                    }
                }
                case "--shapes" -> {
                    String regex = value(args, ++i, a);
                    try {
                        shapes = Pattern.compile(regex);
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("--shapes must be a regular expression, got '" + regex
                                + "': " + e.getDescription());
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new Settings(threads, groups, shapes, warmup, iterations, seconds, out, dryRun);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String v) {
        int x = integer(option, v);
        if (x < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return x;
    }

    private static int nonNegative(String option, String v) {
        int x = integer(option, v);
        if (x < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, got " + v);
        }
        return x;
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, got '" + v + "'");
        }
    }

    private static double seconds(String v) {
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seconds must be a number, got '" + v + "'");
        }
        if (!(x >= 0.001 && x <= 600)) {
            throw new IllegalArgumentException("--seconds must be in [0.001, 600], got " + v);
        }
        return x;
    }

    static String usage() {
        return String.join("\n",
                "usage: java -cp 'bench/target/samplex-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' "
                        + "org.samplex.bench.Suite [options]",
                "  --threads T        backend worker threads (default 2)",
                "  --only LIST        groups: gemm,reference,attention,gru,step (default all)",
                "  --shapes REGEX     gemm shapes whose name matches (default all; see GemmShape)",
                "  --warmup N         warm-up iterations per case (default 2)",
                "  --iterations N     measured iterations per case (default 3)",
                "  --seconds S        seconds per iteration (default 1)",
                "  --quick            1 warm-up + 1 measured iteration of 0.2 s: a smoke run, not a measurement",
                "  --out DIR          where suite.md and JMH's files go (default target/jmh-suite)",
                "  --dry-run          list the cases and the time estimate, run nothing");
    }
}
