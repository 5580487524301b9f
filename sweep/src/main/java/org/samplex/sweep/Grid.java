package org.samplex.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.samplex.experiment.Setting;
import org.samplex.experiment.Settings;

/**
 * One grid of a sweep plan: the axes whose cross product are the runs, and the protocol settings they share.
 * Every component may be null (not given), so that grids can be laid over each other: {@link #over} fills what
 * this grid leaves out from another one.
 *
 * <p>The keys, in a plan file and in {@link #toMap}: {@code task}, {@code learners}, {@code N}, {@code q},
 * {@code seeds} (a count, seeds first-seed .. first-seed + count - 1, or a list), {@code task-options} (name:
 * value or list of values), {@code learner-options} (name: values for every learner that has the option;
 * {@code learner.name: values} or a nested map under a learner's name for one learner), and every protocol
 * setting of {@link Settings#ALL} that may be in a plan, by its name ({@code cap}, {@code weight-decay},
 * {@code convention}: the defaults the runs start from, values the grid gives win; ...). Option values are kept
 * as text; the learner's and task's schemas read them when the runs are resolved.
 *
 * @param learnerOptions scope ("*" for every learner that has the option, else a learner's name) to option to values
 * @param settings       the protocol settings the grid gives, by setting, in the order of {@link Settings#ALL}
 */
record Grid(String task, List<String> learners, List<Integer> positions, List<Integer> pointers, List<Long> seeds,
            Map<String, List<String>> taskOptions, Map<String, Map<String, List<String>>> learnerOptions,
            Map<Setting<?>, Object> settings) {

    /** The scope of learner options given without a learner's name. */
    static final String EVERY_LEARNER = "*";

    /** The keys a grid may have (a plan's top level also has {@code description} and {@code grids}). */
    static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> keys = new TreeSet<>(Set.of("task", "learners", "N", "q", "seeds", "first-seed", "task-options",
                "learner-options"));
        Settings.ALL.stream().filter(Setting::inPlans).forEach(s -> keys.add(s.name()));
        return Collections.unmodifiableSet(keys);
    }

    /** The value the grid gives a setting; null when it gives none. */
    @SuppressWarnings("unchecked")
    <T> T get(Setting<T> setting) {
        return (T) settings.get(setting);
    }

    /** The grid of a plan's map (a file's top level, one entry of its {@code grids}, or the flags). */
    static Grid parse(Map<String, PlanNode> m) {
        for (Map.Entry<String, PlanNode> e : m.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw e.getValue().error(e.getKey(), "unknown key; known keys: description, grids, "
                        + String.join(", ", KEYS));
            }
        }
        Map<Setting<?>, Object> settings = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            Object v = s.inPlans() ? setting(m, s) : null;
            if (v != null) {
                settings.put(s, v);
            }
        }
        return new Grid(word(m, "task"), words(m, "learners"), integers(m, "N", 1), integers(m, "q", 1), seeds(m),
                options(m, "task-options"), learnerOptions(m), settings);
    }

    /** A setting's value as a plan gives it, read by its kind; null when not given. */
    private static Object setting(Map<String, PlanNode> m, Setting<?> s) {
        String key = s.name();
        return switch (s.kind()) {
            case INT -> integer(m, key);
            case LONG -> longValue(m, key);
            case REAL -> real(m, key);
            case FLAG -> bool(m, key);
            case WORD -> word(m, key);
            case REALS -> reals(m, key);
        };
    }

    /** This grid with what it leaves out taken from {@code base}; option maps are merged option by option. */
    Grid over(Grid base) {
        Map<Setting<?>, Object> settings = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            Object v = or(this.settings.get(s), base.settings.get(s));
            if (v != null) {
                settings.put(s, v);
            }
        }
        return new Grid(or(task, base.task), or(learners, base.learners), or(positions, base.positions),
                or(pointers, base.pointers), or(seeds, base.seeds), merge(taskOptions, base.taskOptions),
                mergeScoped(learnerOptions, base.learnerOptions), settings);
    }

    /** The grid as a JSON-ready map with the plan file's keys; components not given are left out. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "task", task);
        put(m, "learners", learners);
        put(m, "N", positions);
        put(m, "q", pointers);
        put(m, "seeds", seeds);
        put(m, "task-options", taskOptions);
        if (learnerOptions != null) {
            Map<String, Object> scoped = new TreeMap<>();
            learnerOptions.forEach((scope, options) -> scoped.put(scope, new TreeMap<>(options)));
            m.put("learner-options", scoped);
        }
        settings.forEach((s, v) -> put(m, s.name(), v));
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value instanceof Map<?, ?> map ? new TreeMap<>(map) : value);
        }
    }

    private static <T> T or(T mine, T base) {
        return mine != null ? mine : base;
    }

    private static Map<String, List<String>> merge(Map<String, List<String>> mine, Map<String, List<String>> base) {
        if (mine == null || base == null) {
            return or(mine, base);
        }
        Map<String, List<String>> out = new LinkedHashMap<>(base);
        out.putAll(mine);
        return out;
    }

    private static Map<String, Map<String, List<String>>> mergeScoped(Map<String, Map<String, List<String>>> mine,
                                                                      Map<String, Map<String, List<String>>> base) {
        if (mine == null || base == null) {
            return or(mine, base);
        }
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>(base);
        mine.forEach((scope, options) -> out.merge(scope, options, (b, m) -> merge(m, b)));
        return out;
    }

    // ---- reading the values of one key ----

    /**
     * What {@code read} makes of a key's node; null when the key is not given or has no value, so that the grid
     * underneath fills it ({@link #over}).
     */
    private static <T> T given(Map<String, PlanNode> m, String key, Function<PlanNode, T> read) {
        PlanNode n = m.get(key);
        return n == null || n.value() == null ? null : read.apply(n);
    }

    private static String word(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> {
            if (!(n.value() instanceof String s) || s.isBlank()) {
                throw n.error(key, "must be a name, got " + describe(n));
            }
            return s.strip();
        });
    }

    /**
     * A scalar or a list of scalars, as text; "a,b" in a scalar is two values (flags give lists that way), and an
     * integer range "from:to[:step]" is every value from {@code from} to {@code to} (inclusive, when the steps land
     * on it) by {@code step} (default 1): {@code N: 2:12:2} is 2, 4, ..., 12.
     */
    private static List<String> texts(PlanNode n, String key) {
        List<String> out = new ArrayList<>();
        for (String t : listed(n, key)) {
            out.addAll(range(n, key, t));
        }
        return List.copyOf(out);
    }

    private static final Pattern RANGE = Pattern.compile("(-?\\d+):(-?\\d+)(?::(-?\\d+))?");

    /** Most values one range may give: a typo such as 1:1000000 should not make a million runs quietly. */
    private static final int MOST_IN_RANGE = 10_000;

    private static List<String> range(PlanNode n, String key, String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            return List.of(text);
        }
        long from = parseLong(n, key, m.group(1), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        long to = parseLong(n, key, m.group(2), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        long step = m.group(3) == null ? 1 : parseLong(n, key, m.group(3), 1, Long.MAX_VALUE / 4);
        if (to < from) {
            throw n.error(key, "range " + text + " ends before it starts (from:to:step with from <= to)");
        }
        if ((to - from) / step + 1 > MOST_IN_RANGE) {
            throw n.error(key, "range " + text + " has more than " + MOST_IN_RANGE + " values");
        }
        List<String> out = new ArrayList<>();
        for (long v = from; v <= to; v += step) {
            out.add(Long.toString(v));
        }
        return out;
    }

    /** The values as written, before ranges are expanded. */
    private static List<String> listed(PlanNode n, String key) {
        List<String> out = new ArrayList<>();
        if (n.value() instanceof List<?> items) {
            for (Object o : items) {
                PlanNode item = (PlanNode) o;
                if (!(item.value() instanceof String s)) {
                    throw item.error(key, "must be a list of plain values, got " + describe(item));
                }
                out.add(s.strip());
            }
        } else if (n.value() instanceof String s) {
            for (String part : s.split(",", -1)) {
                out.add(part.strip());
            }
        } else {
            throw n.error(key, "must be a value or a list of values, got " + describe(n));
        }
        if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
            throw n.error(key, "needs at least one value and no empty ones, got " + describe(n));
        }
        return List.copyOf(out);
    }

    private static List<String> words(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> texts(n, key));
    }

    private static List<Integer> integers(Map<String, PlanNode> m, String key, int min) {
        return given(m, key, n -> texts(n, key).stream()
                .map(t -> (int) parseLong(n, key, t, min, Integer.MAX_VALUE)).toList());
    }

    private static List<Double> reals(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> texts(n, key).stream().map(t -> parseDouble(n, key, t)).toList());
    }

    /** {@code seeds}: a count (with {@code first-seed}) or a list. */
    private static List<Long> seeds(Map<String, PlanNode> m) {
        PlanNode n = m.get("seeds");
        PlanNode first = m.get("first-seed");
        if (n == null || n.value() == null) {
            if (first != null) {
                throw first.error("first-seed", "needs 'seeds', the number of seeds");
            }
            return null;
        }
        List<String> given = texts(n, "seeds");
        if (n.value() instanceof List<?> || given.size() > 1) {
            if (first != null) {
                throw first.error("first-seed", "goes with a count of seeds, not a list");
            }
            List<Long> out = new ArrayList<>();
            for (String t : given) {
                out.add(parseLong(n, "seeds", t, 0, Long.MAX_VALUE));
            }
            if (out.stream().distinct().count() != out.size()) {
                throw n.error("seeds", "lists a seed twice: " + out);
            }
            return List.copyOf(out);
        }
        long count = parseLong(n, "seeds", given.getFirst(), 1, 1_000_000);
        long start = first == null ? 0 : parseLong(first, "first-seed", scalar(first, "first-seed"), 0,
                Long.MAX_VALUE - count);
        List<Long> out = new ArrayList<>();
        for (long s = start; s < start + count; s++) {
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static Map<String, List<String>> options(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> optionsOf(n, key));
    }

    /** A map of option: value (or list of values), each value as text. */
    private static Map<String, List<String>> optionsOf(PlanNode n, String key) {
        if (!(n.value() instanceof Map<?, ?> entries)) {
            throw n.error(key, "must be a map of option: value (or list of values), got " + describe(n));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            PlanNode v = (PlanNode) e.getValue();
            if (v.value() == null) {
                throw v.error(key, "option '" + e.getKey() + "' has no value");
            }
            out.put((String) e.getKey(), texts(v, key + "." + e.getKey()));
        }
        return out;
    }

    private static Map<String, Map<String, List<String>>> learnerOptions(Map<String, PlanNode> m) {
        return given(m, "learner-options", Grid::learnerOptionsOf);
    }

    private static Map<String, Map<String, List<String>>> learnerOptionsOf(PlanNode n) {
        if (!(n.value() instanceof Map<?, ?> entries)) {
            throw n.error("learner-options", "must be a map of option: values, got " + describe(n));
        }
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = (String) e.getKey();
            PlanNode v = (PlanNode) e.getValue();
            if (v.value() instanceof Map<?, ?>) {
                out.computeIfAbsent(name, k -> new LinkedHashMap<>()).putAll(optionsOf(v, name));
                continue;
            }
            if (v.value() == null) {
                throw v.error("learner-options", "option '" + name + "' has no value");
            }
            int dot = name.indexOf('.');
            String scope = dot < 0 ? EVERY_LEARNER : name.substring(0, dot);
            String option = dot < 0 ? name : name.substring(dot + 1);
            if (scope.isBlank() || option.isBlank()) {
                throw v.error("learner-options", "'" + name + "' must be OPTION or LEARNER.OPTION");
            }
            out.computeIfAbsent(scope, k -> new LinkedHashMap<>()).put(option, texts(v, "learner-options." + name));
        }
        return out;
    }

    private static Long longValue(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> parseLong(n, key, scalar(n, key), 0, Long.MAX_VALUE));
    }

    private static Integer integer(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> (int) parseLong(n, key, scalar(n, key), Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    private static Double real(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> parseDouble(n, key, scalar(n, key)));
    }

    private static Boolean bool(Map<String, PlanNode> m, String key) {
        return given(m, key, n -> switch (scalar(n, key).strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw n.error(key, "must be true or false, got " + describe(n));
        });
    }

    private static String scalar(PlanNode n, String key) {
        if (!(n.value() instanceof String s)) {
            throw n.error(key, "must be a single value, got " + describe(n));
        }
        return s;
    }

    private static long parseLong(PlanNode n, String key, String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw n.error(key, "must be an integer, got '" + text + "'");
        }
        if (v < min || v > max) {
            throw n.error(key, "must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    private static double parseDouble(PlanNode n, String key, String text) {
        try {
            double v = Double.parseDouble(text.strip().replace("_", ""));
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the text.
        }
        throw n.error(key, "must be a finite number, got '" + text + "'");
    }

    private static String describe(PlanNode n) {
        return switch (n.value()) {
            case null -> "nothing";
            case String s -> "'" + s + "'";
            case List<?> l -> "a list of " + l.size();
            case Map<?, ?> m -> "a map of " + m.keySet();
            default -> n.value().toString();
        };
    }
}
