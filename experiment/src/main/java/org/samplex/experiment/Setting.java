package org.samplex.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One protocol setting, declared once in {@link Settings}: its name (the cli flag without dashes, and the sweep
 * plan's key), its key in a run spec's JSON, its kind, default, check and help, and which {@link Convention} sets
 * it. {@link RunSpec} holds a value per setting; its JSON ({@link RunSpec#toMap}), the reader of stored specs, the
 * cli's flags, a plan's keys and grids, and the text report of a run all walk the table, so a new setting is one
 * declaration in {@link Settings} and the code that uses it.
 *
 * <p>A value is null when the setting has no value (an optional setting not given); a setting's default is the
 * value a spec has when nothing was said, and a convention's value replaces it when the spec starts from one.
 *
 * @param <T> the value's type: Integer, Long, Double, Boolean, String, or {@code List<Double>} for a ladder
 */
public final class Setting<T> {

    /** What a value is, on the command line, in a plan and in JSON. */
    public enum Kind {
        /** An int. */
        INT(Integer.class),
        /** A long. */
        LONG(Long.class),
        /** A double. */
        REAL(Double.class),
        /** A boolean: a flag without a value on the command line. */
        FLAG(Boolean.class),
        /** A name. */
        WORD(String.class),
        /** A list of doubles (a ladder of thresholds; "a,b,c" on the command line). */
        REALS(List.class);

        private final Class<?> type;

        Kind(Class<?> type) {
            this.type = type;
        }

        /** The Java type of a value (List for REALS). */
        public Class<?> type() {
            return type;
        }
    }

    private final String name;
    private final String jsonKey;
    private final Kind kind;
    private final T defaultValue;
    private String label;
    private String paramLabel = "VALUE";
    private String help = "";
    private UnaryOperator<T> check = UnaryOperator.identity();
    private Function<Convention, T> byConvention;
    private boolean alwaysInJson;
    private boolean planKey = true;

    private Setting(String name, Kind kind, T defaultValue) {
        this.name = name;
        this.jsonKey = name.replace('-', '_');
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.label = name.replace('-', ' ');
    }

    /** A setting of {@code kind} named {@code name} (kebab case) with this default (null: none). */
    static <T> Setting<T> of(String name, Kind kind, T defaultValue) {
        return new Setting<>(name, kind, defaultValue);
    }

    // ---- declaration (Settings' static initializer only) ----

    /** Words for reports ("weight decay"); the name with spaces by default. */
    Setting<T> label(String words) {
        this.label = words;
        return this;
    }

    /** The placeholder of the flag's value in the help ("PROMPTS"). */
    Setting<T> param(String placeholder) {
        this.paramLabel = placeholder;
        return this;
    }

    /** The flag's help: what it means, without the default (added from the table). */
    Setting<T> help(String sentence) {
        this.help = sentence;
        return this;
    }

    /** Checks a value that is not null, returning it (normalized) or throwing one naming this setting. */
    Setting<T> check(UnaryOperator<T> checked) {
        this.check = checked;
        return this;
    }

    /** The value a convention gives this setting. */
    Setting<T> byConvention(Function<Convention, T> value) {
        this.byConvention = value;
        return this;
    }

    /**
     * Written in a spec's JSON even at its default or null: the settings of the first run specs. Every other
     * setting is written only when it differs from its default, so that run keys of earlier specs never change.
     */
    Setting<T> alwaysInJson() {
        this.alwaysInJson = true;
        return this;
    }

    /** Not a sweep plan key (threads: a sweep divides them among its workers). */
    Setting<T> notInPlans() {
        this.planKey = false;
        return this;
    }

    // ---- reading ----

    /** The cli flag without its dashes, and the plan key: "weight-decay". */
    public String name() {
        return name;
    }

    /** The key in a run spec's JSON: "weight_decay". */
    public String jsonKey() {
        return jsonKey;
    }

    public Kind kind() {
        return kind;
    }

    /** The value of a spec that says nothing; null for an optional setting. */
    public T defaultValue() {
        return defaultValue;
    }

    /** Words for reports. */
    public String label() {
        return label;
    }

    public String paramLabel() {
        return paramLabel;
    }

    /** The flag's help, with the default and the conventions' values when they differ from it. */
    public String help() {
        StringBuilder sb = new StringBuilder(help);
        if (defaultValue != null && !(defaultValue instanceof List<?> l && l.isEmpty())
                && !(defaultValue instanceof Boolean)) {
            sb.append(sb.isEmpty() ? "" : "; ").append("default: ").append(defaultValue);
        }
        if (byConvention != null) {
            for (Convention c : Convention.values()) {
                sb.append(", ").append(c.word()).append(": ").append(byConvention.apply(c));
            }
        }
        return sb.append('.').toString();
    }

    /** Whether a convention sets this setting. */
    public boolean setByConvention() {
        return byConvention != null;
    }

    /** The value {@code c} gives this setting; only when {@link #setByConvention}. */
    public T conventionValue(Convention c) {
        return byConvention.apply(c);
    }

    public boolean alwaysWritten() {
        return alwaysInJson;
    }

    /** Whether a sweep plan may give this setting. */
    public boolean inPlans() {
        return planKey;
    }

    /** The value checked and normalized; null stays null. */
    public T checked(T value) {
        return value == null ? null : check.apply(value);
    }

    /**
     * A value of this setting's kind from what a JSON reader or a caller gives (Integer, Long, Double, Boolean,
     * String or a list of numbers).
     *
     * @throws IllegalArgumentException naming {@code where} when it is not one
     */
    @SuppressWarnings("unchecked")
    public T cast(Object value, String where) {
        if (value == null) {
            return null;
        }
        Object v = switch (kind) {
            case INT -> {
                long l = integral(value, where);
                if (l != (int) l) {
                    throw new IllegalArgumentException(where + " is out of range: " + l);
                }
                yield (int) l;
            }
            case LONG -> integral(value, where);
            case REAL -> number(value, where).doubleValue();
            case FLAG -> {
                if (!(value instanceof Boolean b)) {
                    throw new IllegalArgumentException(where + " must be true or false, got " + value);
                }
                yield b;
            }
            case WORD -> {
                if (!(value instanceof String s)) {
                    throw new IllegalArgumentException(where + " must be a string, got " + value);
                }
                yield s;
            }
            case REALS -> {
                if (!(value instanceof List<?> items)) {
                    throw new IllegalArgumentException(where + " must be a list, got " + value);
                }
                List<Double> out = new ArrayList<>();
                for (Object o : items) {
                    out.add(o == null ? null : number(o, where).doubleValue());
                }
                yield out;
            }
        };
        return (T) v;
    }

    private static long integral(Object v, String where) {
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            throw new IllegalArgumentException(where + " must be an integer, got " + v);
        }
        return ((Number) v).longValue();
    }

    private static Number number(Object v, String where) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(where + " must be a number, got " + v);
        }
        return n;
    }

    @Override
    public String toString() {
        return name;
    }

    /** The value as a report shows it: integers with thousands separators, others as Java prints them. */
    public String show(Object value) {
        return switch (value) {
            case null -> "none";
            case Integer i when i >= 10_000 -> String.format(Locale.ROOT, "%,d", i);
            case Long l when l >= 10_000 -> String.format(Locale.ROOT, "%,d", l);
            default -> Objects.toString(value);
        };
    }
}
