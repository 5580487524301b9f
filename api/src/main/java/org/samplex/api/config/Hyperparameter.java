package org.samplex.api.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One typed, documented, range-checked setting of a learner or task.
 *
 * @param name         the key used in configs and on the command line ("heads", "mlp-width")
 * @param type         the value type
 * @param defaultValue the value when none is given (Integer, Double, Boolean or String)
 * @param min          inclusive lower bound for INT and REAL (ignored otherwise)
 * @param max          inclusive upper bound for INT and REAL (ignored otherwise)
 * @param choices      the accepted values of a CHOICE (empty otherwise)
 * @param description  one line for {@code samplex list} and errors
 */
public record Hyperparameter(String name, Type type, Object defaultValue, double min, double max,
                             List<String> choices, String description) {

    /** Value types. */
    public enum Type { INT, REAL, BOOLEAN, CHOICE }

    public Hyperparameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (type == Type.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("choice parameter '" + name + "' needs at least one choice");
        }
        if (defaultValue != null) {
            defaultValue = checkValue(name, type, min, max, choices, defaultValue);
        }
    }

    /** An integer in [min, max]; a null default means "required" or "derived by the owner" (say which in the description). */
    public static Hyperparameter integer(String name, Integer defaultValue, long min, long max, String description) {
        return new Hyperparameter(name, Type.INT, defaultValue, min, max, List.of(), description);
    }

    /** A real number in [min, max]. */
    public static Hyperparameter real(String name, Double defaultValue, double min, double max, String description) {
        return new Hyperparameter(name, Type.REAL, defaultValue, min, max, List.of(), description);
    }

    public static Hyperparameter bool(String name, boolean defaultValue, String description) {
        return new Hyperparameter(name, Type.BOOLEAN, defaultValue, 0, 1, List.of(), description);
    }

    /** One of a fixed list of words. */
    public static Hyperparameter choice(String name, String defaultValue, List<String> choices, String description) {
        return new Hyperparameter(name, Type.CHOICE, defaultValue, 0, 0, choices, description);
    }

    /** The accepted values in words, for messages and {@code samplex list}: "an integer in [1, 64]". */
    public String accepted() {
        return switch (type) {
            case INT -> "an integer in [" + fmt(min) + ", " + fmt(max) + "]";
            case REAL -> "a number in [" + fmt(min) + ", " + fmt(max) + "]";
            case BOOLEAN -> "true or false";
            case CHOICE -> "one of " + String.join(", ", choices);
        };
    }

    /**
     * Parses (when a String) and checks a value.
     *
     * @throws IllegalArgumentException naming this parameter, the value given and the accepted values
     */
    public Object check(Object value) {
        return checkValue(name, type, min, max, choices, value);
    }

    private static Object checkValue(String name, Type type, double min, double max, List<String> choices,
                                     Object value) {
        String given = String.valueOf(value);
        Object parsed = switch (type) {
            case INT -> parseInt(value);
            case REAL -> parseReal(value);
            case BOOLEAN -> parseBool(value);
            case CHOICE -> choices.contains(given) ? given : null;
        };
        boolean ok = parsed != null;
        if (ok && type == Type.INT) {
            long v = (Integer) parsed;
            ok = v >= min && v <= max;
        } else if (ok && type == Type.REAL) {
            double v = (Double) parsed;
            ok = v >= min && v <= max;
        }
        if (!ok) {
            String accepted = new Hyperparameter(name, type, null, min, max, choices, "").accepted();
            throw new IllegalArgumentException(
                    "parameter '" + name + "' must be " + accepted + ", got '" + given + "'");
        }
        return parsed;
    }

    private static Integer parseInt(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
        }
        if (v instanceof String s) {
            try {
                return Integer.valueOf(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Double parseReal(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Boolean parseBool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "yes", "on" -> Boolean.TRUE;
                case "false", "no", "off" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    private static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x);
    }
}
