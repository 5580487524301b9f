package org.samplex.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.RunKeys;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;
import org.samplex.experiment.Settings;

/**
 * A sweep plan: one or more grids whose runs together make the sweep, from a YAML file, from flags, or both
 * (flags override the file). A file's top level is a grid (see {@link Grid} for the keys) and may add
 * {@code description} (free text) and {@code grids}, a list of grids laid over the top level: the sweep is the
 * union of their runs. Flags are laid over every grid.
 *
 * <pre>
 * description: Figure 1a at small scale
 * learners: [transformer, gru, mlp]
 * N: [2, 4, 6, 8]
 * seeds: 3
 * thresholds: 0.7
 * test-size: 2000
 * learner-options:
 *   transformer: {heads: 1, mlp-width: 100}
 *   gru.hidden: 128
 * </pre>
 *
 * <p>A plan may also list {@code only-runs}: run keys, of which only those its grids make are run (the plan that
 * {@code samplex sweep missing} writes: a sweep's plan, restricted to the runs its folder lacks).
 *
 * @param description free text, or null
 * @param grids       the effective grids (flags, entry and top level laid over each other), at least one
 * @param onlyRuns    the run keys to keep of the grids' runs, or null for all of them
 */
public record Plan(String description, List<Grid> grids, Set<String> onlyRuns) {

    /** The task when a plan names none. */
    static final String DEFAULT_TASK = "qstr";

    public Plan {
        grids = List.copyOf(grids);
        if (grids.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one grid");
        }
        onlyRuns = onlyRuns == null ? null : Collections.unmodifiableSet(new TreeSet<>(onlyRuns));
    }

    /** A plan of all its grids' runs. */
    public Plan(String description, List<Grid> grids) {
        this(description, grids, null);
    }

    /** This plan restricted to the runs whose keys are in {@code keys}. */
    public Plan only(Set<String> keys) {
        return new Plan(description, grids, keys);
    }

    /**
     * The plan of a file, with flags laid over it.
     *
     * @param file  a YAML (or JSON) plan, or null for flags only
     * @param flags the flags as plan keys (values: text, lists of text, maps for the option keys)
     * @throws IllegalArgumentException naming the file's line and key, or the flag, of the first mistake
     */
    public static Plan of(Path file, Map<String, Object> flags) {
        Grid fromFlags = Grid.parse(flagNodes(flags));
        if (file == null) {
            return new Plan(null, List.of(fromFlags));
        }
        return parse(PlanNode.read(file), fromFlags);
    }

    /** This plan with flags (plan keys, as for {@link #of}) laid over every grid. */
    public Plan override(Map<String, Object> flags) {
        Grid fromFlags = Grid.parse(flagNodes(flags));
        return new Plan(description, grids.stream().map(fromFlags::over).toList(), onlyRuns);
    }

    /** The plan of YAML text (no flags); {@code source} names it in messages. */
    public static Plan parse(String yaml, String source) {
        return parse(PlanNode.parse(yaml, source), Grid.parse(Map.of()));
    }

    private static Plan parse(PlanNode root, Grid flags) {
        if (!(root.value() instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(root.where() + ": a plan must be a map of keys (learners, N, ...)");
        }
        Map<String, PlanNode> top = nodes(raw);
        // A plan.json that a sweep saved holds the plan under "plan", beside the run keys.
        if (top.containsKey("plan") && top.get("plan").value() instanceof Map<?, ?> saved) {
            top = nodes(saved);
        }
        String description = text(top.remove("description"), "description");
        Set<String> only = keyList(top.remove("only-runs"));
        PlanNode gridList = top.remove("grids");
        Grid base = Grid.parse(top);
        List<Grid> grids = new ArrayList<>();
        if (gridList == null || gridList.value() == null) {
            grids.add(flags.over(base));
        } else {
            if (!(gridList.value() instanceof List<?> entries) || entries.isEmpty()) {
                throw gridList.error("grids", "must be a list of grids (maps with the same keys as the top level)");
            }
            for (Object o : entries) {
                PlanNode entry = (PlanNode) o;
                if (!(entry.value() instanceof Map<?, ?> m)) {
                    throw entry.error("grids", "each entry must be a map of keys (learners, N, ...)");
                }
                Map<String, PlanNode> keys = nodes(m);
                keys.remove("description");
                grids.add(flags.over(Grid.parse(keys).over(base)));
            }
        }
        return new Plan(description, grids, only);
    }

    /** The run keys of {@code only-runs}: a list of 64-digit hex keys, or null when absent. */
    private static Set<String> keyList(PlanNode n) {
        if (n == null || n.value() == null) {
            return null;
        }
        if (!(n.value() instanceof List<?> items)) {
            throw n.error("only-runs", "must be a list of run keys");
        }
        Set<String> keys = new TreeSet<>();
        for (Object o : items) {
            PlanNode item = (PlanNode) o;
            if (!(item.value() instanceof String k) || !k.matches("[0-9a-f]{64}")) {
                throw item.error("only-runs", "each entry must be a run key (64 hex digits), got " + item.value());
            }
            keys.add(k);
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, PlanNode> nodes(Map<?, ?> raw) {
        return new LinkedHashMap<>((Map<String, PlanNode>) raw);
    }

    private static String text(PlanNode n, String key) {
        if (n == null || n.value() == null) {
            return null;
        }
        if (!(n.value() instanceof String s)) {
            throw n.error(key, "must be text");
        }
        return s;
    }

    /** Flags as plan nodes: text stays text, lists become lists, maps become maps. */
    private static Map<String, PlanNode> flagNodes(Map<String, Object> flags) {
        Map<String, PlanNode> out = new LinkedHashMap<>();
        flags.forEach((k, v) -> {
            if (v != null) {
                out.put(k, flagNode(v));
            }
        });
        return out;
    }

    private static PlanNode flagNode(Object v) {
        return switch (v) {
            case Map<?, ?> m -> {
                Map<String, PlanNode> entries = new LinkedHashMap<>();
                m.forEach((k, x) -> entries.put(String.valueOf(k), flagNode(x)));
                yield PlanNode.flag(entries);
            }
            case List<?> l -> PlanNode.flag(l.stream().map(Plan::flagNode).toList());
            default -> PlanNode.flag(String.valueOf(v));
        };
    }

    /**
     * The plan as a JSON-ready map: {@code description}, the effective {@code grids} and, for a restricted plan,
     * {@code only-runs}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (description != null) {
            m.put("description", description);
        }
        m.put("grids", grids.stream().map(Grid::toMap).toList());
        if (onlyRuns != null) {
            m.put("only-runs", List.copyOf(onlyRuns));
        }
        return m;
    }

    /**
     * The runs of the plan: every grid's cross product of learner, N, q, task-option values, learner-option values
     * and seed, each resolved by the trainer and keyed, seed-major (all runs of the first seed first, so that a
     * sweep stopped early has a whole picture), without repeats.
     *
     * <p>Each grid's backend ("auto" when it names none) is resolved to the backend that runs it, which is part of
     * the run key ({@link RunKeys}). A plan with {@code only-runs} keeps only those runs.
     *
     * @throws IllegalArgumentException naming the run and the mistake, for a spec its learner or task refuses, or
     *                                  when {@code only-runs} names a key that no grid makes
     * @throws org.samplex.api.BackendUnavailableException when a backend named cannot run here
     */
    public List<PlannedRun> expand(RunService trainer) {
        checkScopes();
        List<List<PlannedRun>> bySeed = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        Map<String, String> backends = new LinkedHashMap<>();
        for (Grid g : grids) {
            String backend = backends.computeIfAbsent(g.get(Settings.BACKEND) != null ? g.get(Settings.BACKEND) : "auto", trainer::backend);
            List<Long> seeds = g.seeds() != null ? g.seeds() : List.of(0L);
            for (Cell cell : cells(g, trainer)) {
                for (int i = 0; i < seeds.size(); i++) {
                    while (bySeed.size() <= i) {
                        bySeed.add(new ArrayList<>());
                    }
                    PlannedRun run = plan(g, cell, seeds.get(i), backend, trainer);
                    if (keys.add(run.key())) {
                        bySeed.get(i).add(run);
                    }
                }
            }
        }
        List<PlannedRun> all = bySeed.stream().flatMap(List::stream).toList();
        return onlyRuns == null ? all : restrict(all);
    }

    private List<PlannedRun> restrict(List<PlannedRun> all) {
        Set<String> made = new HashSet<>();
        all.forEach(r -> made.add(r.key()));
        List<String> strangers = onlyRuns.stream().filter(k -> !made.contains(k)).toList();
        if (!strangers.isEmpty()) {
            throw new IllegalArgumentException("the plan's only-runs lists " + strangers.size() + " of its "
                    + onlyRuns.size() + " keys that its grids do not make (the first: " + strangers.getFirst()
                    + "); keys depend on the samplex version (this is " + RunKeys.samplexVersion() + ") and on "
                    + "the backend that 'auto' picks, so run the plan with the version and backend that wrote it");
        }
        return all.stream().filter(r -> onlyRuns.contains(r.key())).toList();
    }

    /** Options given for one learner must name a learner of the plan. */
    private void checkScopes() {
        Set<String> learners = new TreeSet<>();
        grids.forEach(g -> learners.addAll(g.learners() == null ? List.of() : g.learners()));
        for (Grid g : grids) {
            if (g.learners() == null) {
                throw new IllegalArgumentException("the plan names no learners: give --learners or 'learners:'");
            }
            if (g.learnerOptions() != null) {
                for (String scope : g.learnerOptions().keySet()) {
                    if (!scope.equals(Grid.EVERY_LEARNER) && !learners.contains(scope)) {
                        throw new IllegalArgumentException("learner options are given for '" + scope
                                + "', which is not a learner of the plan " + learners);
                    }
                }
            }
        }
    }

    /** One point of a grid without its seed: a learner with one value of every option. */
    private record Cell(String learner, Map<String, Object> learnerOptions, Map<String, Object> taskOptions,
                        String label) {
    }

    private static List<Cell> cells(Grid g, RunService trainer) {
        Map<String, List<String>> taskAxes = new LinkedHashMap<>(g.taskOptions() == null ? Map.of() : g.taskOptions());
        String taskName = g.task() != null ? g.task() : DEFAULT_TASK;
        putAxis(taskAxes, trainer, taskName, TaskShape.Axis.POSITIONS, g.positions());
        putAxis(taskAxes, trainer, taskName, TaskShape.Axis.POINTERS, g.pointers());
        // a label names the task's N and q first, whether a grid's axes or its task options gave them
        List<String> axes = new ArrayList<>();
        for (TaskShape.Axis axis : TaskShape.Axis.values()) {
            String option = trainer.axisOption(taskName, axis);
            if (option != null) {
                axes.add(option);
            }
        }
        List<Cell> out = new ArrayList<>();
        for (String learner : g.learners()) {
            Map<String, List<String>> learnerAxes = learnerAxes(g, learner, trainer);
            for (Map<String, Object> task : product(taskAxes)) {
                for (Map<String, Object> options : product(learnerAxes)) {
                    out.add(new Cell(learner, options, task, label(learner, task, options, taskAxes, axes)));
                }
            }
        }
        return out;
    }

    /**
     * Puts a plan's N or q axis into the task options: as the option the task declares for that axis of its
     * shape ({@code TaskProvider.axisOption}).
     */
    private static void putAxis(Map<String, List<String>> taskAxes, RunService trainer, String task,
                                TaskShape.Axis axis, List<Integer> values) {
        if (values == null) {
            return;
        }
        String option = trainer.axisOption(task, axis);
        if (option == null) {
            throw new IllegalArgumentException("'" + axis.key() + "' is given but task '" + task + "' declares no "
                    + "option for that axis of its shape (TaskProvider.axisOption); give the task's own options "
                    + "under task-options");
        }
        if (taskAxes.containsKey(option)) {
            throw new IllegalArgumentException("'" + axis.key() + "' and task option '" + option + "' are both "
                    + "given; give one of them");
        }
        taskAxes.put(option, values.stream().map(String::valueOf).toList());
    }


    /** The options of one learner: those given for every learner that it has, then those given for it alone. */
    private static Map<String, List<String>> learnerAxes(Grid g, String learner, RunService trainer) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        if (g.learnerOptions() == null) {
            return axes;
        }
        Map<String, List<String>> common = g.learnerOptions().getOrDefault(Grid.EVERY_LEARNER, Map.of());
        if (!common.isEmpty()) {
            Set<String> known = trainer.learnerOptionNames(learner);
            for (Map.Entry<String, List<String>> e : common.entrySet()) {
                if (known.contains(e.getKey())) {
                    axes.put(e.getKey(), e.getValue());
                } else if (g.learners().stream().noneMatch(l -> trainer.learnerOptionNames(l).contains(e.getKey()))) {
                    throw new IllegalArgumentException("learner option '" + e.getKey() + "' is an option of none of "
                            + g.learners() + "; the options: " + g.learners().stream()
                            .map(l -> l + " " + new TreeSet<>(trainer.learnerOptionNames(l))).toList());
                }
            }
        }
        axes.putAll(g.learnerOptions().getOrDefault(learner, Map.of()));
        return axes;
    }

    /** The cross product of the axes, in order (the last axis varies fastest). */
    private static List<Map<String, Object>> product(Map<String, List<String>> axes) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (String v : axis.getValue()) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * The run for people: the learner, N and q, the task options that vary in its grid (one shared by every run is
     * context, not a coordinate) and the learner options given for it.
     */
    private static String label(String learner, Map<String, Object> task, Map<String, Object> options,
                                Map<String, List<String>> taskAxes, List<String> axes) {
        StringBuilder sb = new StringBuilder(learner);
        for (String k : axes) {
            if (task.containsKey(k)) {
                sb.append(' ').append(k).append('=').append(task.get(k));
            }
        }
        task.forEach((k, v) -> {
            if (!axes.contains(k) && taskAxes.get(k).size() > 1) {
                sb.append(' ').append(k).append('=').append(v);
            }
        });
        options.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    private static PlannedRun plan(Grid g, Cell cell, long seed, String backend, RunService trainer) {
        String label = cell.label() + " seed=" + seed;
        RunSpecBuilder b = RunSpec.builder(cell.learner(), g.task() != null ? g.task() : DEFAULT_TASK)
                .setValue(Settings.CONVENTION, g.get(Settings.CONVENTION)) // first: the values given below win
                .learnerOptions(cell.learnerOptions()).taskOptions(cell.taskOptions()).seed(seed).backend(backend);
        g.settings().forEach((setting, value) -> {
            if (setting != Settings.CONVENTION && setting != Settings.BACKEND) {
                b.setValue(setting, value);
            }
        });
        RunSpec resolved;
        try {
            resolved = trainer.resolve(b.build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("run " + label + ": " + e.getMessage(), e);
        }
        return new PlannedRun(RunKeys.of(resolved), resolved, label);
    }
}
