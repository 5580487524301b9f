package org.samplex.sweep.submit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.samplex.experiment.Json;

/**
 * A small YAML writer for the manifests samplex writes: block maps and lists in the order given, text quoted
 * (as a JSON string, which YAML reads the same) unless it can only be read back as that text, and text with line
 * breaks as a literal block. Values: Map, List, String, Integer, Long, Boolean.
 */
final class YamlText {

    /** Plain words YAML 1.1 or 1.2 readers would take for something other than text. */
    private static final Set<String> SPECIAL = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null",
            "~");

    private YamlText() {
    }

    /** The value as a YAML document (no leading "---"), ending with a line break. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        block(sb, value, 0);
        return sb.toString();
    }

    private static void block(StringBuilder sb, Object value, int indent) {
        switch (value) {
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(" ".repeat(indent)).append(scalar(String.valueOf(e.getKey()))).append(':');
                    entry(sb, e.getValue(), indent + 2);
                }
            }
            case List<?> l -> {
                for (Object item : l) {
                    sb.append(" ".repeat(indent)).append('-');
                    if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                        // The first key on the dash's line, the others under it.
                        StringBuilder inner = new StringBuilder();
                        block(inner, m, indent + 2);
                        sb.append(' ').append(inner.substring(indent + 2));
                    } else {
                        entry(sb, item, indent + 2);
                    }
                }
            }
            default -> sb.append(" ".repeat(indent)).append(inline(value)).append('\n');
        }
    }

    /** What follows "key:" or "-": an inline value, or a nested block on the next lines. */
    private static void entry(StringBuilder sb, Object value, int indent) {
        if (value instanceof Map<?, ?> m && !m.isEmpty() || value instanceof List<?> l && !l.isEmpty()) {
            sb.append('\n');
            block(sb, value, indent);
        } else if (value instanceof String s && s.contains("\n")) {
            sb.append(" |").append(s.endsWith("\n") ? "" : "-").append('\n');
            for (String line : s.split("\n", -1)) {
                if (!line.isEmpty()) {
                    sb.append(" ".repeat(indent)).append(line);
                }
                sb.append('\n');
            }
            if (s.endsWith("\n")) {
                sb.setLength(sb.length() - 1);
            }
        } else {
            sb.append(' ').append(inline(value)).append('\n');
        }
    }

    private static String inline(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "{}";
            case List<?> l -> "[]";
            case Boolean b -> b.toString();
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case String s -> scalar(s);
            default -> throw new IllegalArgumentException("no YAML form for " + value.getClass().getName());
        };
    }

    /** Text as a plain scalar when that reads back as the same text, else as a double-quoted (JSON) string. */
    static String scalar(String s) {
        boolean plain = s.matches("[A-Za-z_/.][A-Za-z0-9_./@-]*(:[A-Za-z0-9_./@-]+)*")
                && !SPECIAL.contains(s.toLowerCase(Locale.ROOT)) && !s.matches("[-+.0-9eE_:]+|\\.(inf|nan|Inf|NaN)");
        return plain ? s : Json.canonical(s);
    }
}
