package org.samplex.experiment;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * samplex's one JSON writer (and a small reader), canonical so that equal values give equal bytes: run keys are
 * hashes of this output.
 *
 * <p>Canonical form, as RFC 8785 (JCS) for the values samplex writes: object keys sorted by UTF-16 code units,
 * doubles as ECMAScript prints them (the shortest digits that read back to the same double: {@code 0.7},
 * {@code 64}, {@code 1e-7}, {@code 1e+21}), integers as they are, strings with only the mandatory escapes.
 * Non-finite doubles, which JSON cannot hold, are written as {@code null}. {@link #write} lays the canonical
 * value out with two-space indentation for people; {@link #canonical} writes it without any whitespace.
 *
 * <p>Values: Map (keys written with {@code String.valueOf}), List, String, Boolean, Number, null; anything else
 * is written as the string of its {@code toString()}.
 */
public final class Json {

    private Json() {
    }

    /** The value as indented JSON, keys sorted. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.toString();
    }

    /** The value as compact canonical JSON (no whitespace), the form to hash. */
    public static String canonical(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    /** A double as ECMAScript's Number.prototype.toString writes it; non-finite values have no JSON form. */
    public static String number(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no number for " + d);
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        return ecmaScript(Double.toString(d), new BigDecimal(abs), t -> Double.parseDouble(t) == abs);
    }

    private static void write(StringBuilder sb, Object v, int depth, boolean pretty) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Short s -> sb.append(s);
            case Byte b -> sb.append(b);
            case Float f -> sb.append(Float.isFinite(f) ? floatNumber(f) : "null");
            case Number n -> sb.append(Double.isFinite(n.doubleValue()) ? number(n.doubleValue()) : "null");
            case Map<?, ?> m -> writeObject(sb, m, depth, pretty);
            case List<?> l -> writeArray(sb, l, depth, pretty);
            default -> quote(sb, v.toString());
        }
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> m, int depth, boolean pretty) {
        Map<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (sorted.put(key, e.getValue()) != null) {
                throw new IllegalArgumentException("two keys of a map are both written as \"" + key + "\"");
            }
        }
        sb.append('{');
        Iterator<Map.Entry<String, Object>> it = sorted.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Object> e = it.next();
            newline(sb, depth + 1, pretty);
            quote(sb, e.getKey());
            sb.append(pretty ? ": " : ":");
            write(sb, e.getValue(), depth + 1, pretty);
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        if (!sorted.isEmpty()) {
            newline(sb, depth, pretty);
        }
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, List<?> l, int depth, boolean pretty) {
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
            newline(sb, depth + 1, pretty);
            write(sb, l.get(i), depth + 1, pretty);
            if (i + 1 < l.size()) {
                sb.append(',');
            }
        }
        if (!l.isEmpty()) {
            newline(sb, depth, pretty);
        }
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (pretty) {
            sb.append('\n').append("  ".repeat(depth));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A float with its own shortest digits (0.1f is "0.1", not the double 0.10000000149011612). */
    private static String floatNumber(float f) {
        if (f == 0) {
            return "0";
        }
        float abs = Math.abs(f);
        return ecmaScript(Float.toString(f), new BigDecimal(abs), t -> Float.parseFloat(t) == abs);
    }

    /**
     * Rewrites Java's shortest representation ("0.7", "1.0E-7", "123.0") in ECMAScript's layout. Java (since
     * JDK 19) and ECMAScript both pick the shortest digit string that reads back exactly, so only the layout
     * differs: with digits s (k of them, no leading or trailing zeros) and the value 0.s x 10^n, ECMAScript
     * writes plain digits for -6 < n <= 21 and d.ddde+-x otherwise. One exception: where one digit would do,
     * Java may print two when they are closer (4.9E-324 for the smallest subnormal, which ECMAScript writes
     * 5e-324), so two digits are shortened when one reads back ({@code readsBack}) to the same value.
     */
    private static String ecmaScript(String java, BigDecimal exact, Predicate<String> readsBack) {
        boolean negative = java.startsWith("-");
        String s = negative ? java.substring(1) : java;
        int e = s.indexOf('E');
        int exponent = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        String mantissa = e < 0 ? s : s.substring(0, e);
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int n = dot + exponent;
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        n -= lead;
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        if (digits.length() == 2) {
            String one = oneDigit(digits, n, exact, readsBack);
            if (one != null) {
                n += one.length() - 1;
                digits = one.substring(0, 1);
            }
        }
        int k = digits.length();
        String out;
        if (k <= n && n <= 21) {
            out = digits + "0".repeat(n - k);
        } else if (0 < n && n <= 21) {
            out = digits.substring(0, n) + "." + digits.substring(n);
        } else if (-6 < n && n <= 0) {
            out = "0." + "0".repeat(-n) + digits;
        } else {
            int x = n - 1;
            out = digits.charAt(0) + (k > 1 ? "." + digits.substring(1) : "") + "e" + (x < 0 ? "-" : "+")
                    + Math.abs(x);
        }
        return negative ? "-" + out : out;
    }

    /**
     * The one-digit decimal (0.c x 10^n) next to the two digits given that reads back to the same value, the
     * one closer to the exact value when both do, or null; "10" stands for 0.1 x 10^(n+1).
     */
    private static String oneDigit(String two, int n, BigDecimal exact, Predicate<String> readsBack) {
        int first = two.charAt(0) - '0';
        String best = null;
        BigDecimal bestDistance = null;
        for (int c = first; c <= first + 1; c++) {
            BigDecimal candidate = BigDecimal.valueOf(c).scaleByPowerOfTen(n - 1);
            if (!readsBack.test(candidate.toString())) {
                continue;
            }
            BigDecimal distance = candidate.subtract(exact).abs();
            if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                best = Integer.toString(c);
                bestDistance = distance;
            }
        }
        return best;
    }

    /**
     * Reads one JSON value: objects as insertion-ordered maps, arrays as lists, numbers as Long when written
     * without fraction or exponent (and within range) and Double otherwise.
     *
     * @throws IllegalArgumentException naming the offset of the first error
     */
    public static Object parse(String text) {
        return new JsonReader(text).document();
    }
}
