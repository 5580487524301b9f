package org.samplex.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The recursive-descent reader behind {@link Json#parse}: one string, read once. */
final class JsonReader {

    private final String s;
    private int at;

    JsonReader(String s) {
        this.s = s;
    }

    /** The one value the whole text holds, blanks around it allowed. */
    Object document() {
        skipBlanks();
        Object v = value();
        skipBlanks();
        if (at < s.length()) {
            throw error("unexpected text after the value");
        }
        return v;
    }

    private Object value() {
        if (at >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        at++;
        skipBlanks();
        if (peek() == '}') {
            at++;
            return m;
        }
        while (true) {
            skipBlanks();
            if (peek() != '"') {
                throw error("expected a key");
            }
            String key = string();
            skipBlanks();
            expect(':');
            skipBlanks();
            if (m.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            m.put(key, value());
            skipBlanks();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        at++;
        skipBlanks();
        if (peek() == ']') {
            at++;
            return l;
        }
        while (true) {
            skipBlanks();
            l.add(value());
            skipBlanks();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return l;
            }
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        at++;
        while (true) {
            if (at >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(at++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (at >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (at + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number() {
        int start = at;
        boolean integral = true;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
            char c = s.charAt(at);
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
            }
            at++;
        }
        String t = s.substring(start, at);
        if (!t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            at = start;
            throw error("malformed number '" + t + "'");
        }
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(t);
            }
        }
        return Double.parseDouble(t);
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, at)) {
            throw error("unexpected word");
        }
        at += word.length();
        return value;
    }

    private char peek() {
        if (at >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void skipBlanks() {
        while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at offset " + at + ": " + what);
    }
}
