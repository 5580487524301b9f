package org.samplex.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the paper reports in Figure 1 (docs/qstr.md section 5: means over 5 runs, d = 10, read off its plots; "~" marks
 * values read with less precision), for putting beside a sweep that measures the same thing: the qstr task with
 * q = 1, d = 10 and the linear link, general variant at eps = 0.7 or simple variant at eps = 0.02.
 *
 * @param name       "Figure 1a" or "Figure 1b"
 * @param what       the setting in words
 * @param variant    the qstr variant
 * @param threshold  the paper's eps
 * @param nStar      learner name (samplex's) -> N -> n* as the spec writes it ("3.0k", "~1k")
 * @param slopes     learner -> the paper's slope of log n* on log N over {@code slopeRange}, or empty
 * @param slopeRange the N range of the paper's slopes, {min, max}
 * @param learners   learner -> the paper's architecture in words
 */
public record PaperFigure(String name, String what, String variant, double threshold,
                          Map<String, Map<Integer, String>> nStar, Map<String, Double> slopes, int[] slopeRange,
                          Map<String, String> learners) {

    private static final Map<String, String> ARCHITECTURES = ordered("transformer", "Transformer (1 head, MLP 100)",
            "gru", "bi-GRU 500", "mlp", "FFN [N d, 1000]");

    /** The learner options that make each learner the paper's architecture (defaults resolved). */
    private static final Map<String, Map<String, Object>> PAPER_OPTIONS = Map.of(
            "transformer", Map.of("heads", 1, "mlp-width", 100),
            "gru", Map.of("hidden", 500, "bidirectional", true),
            "mlp", Map.of("width2", 1000));

    /** General 1STR, eps = 0.7, N = 2..12. */
    public static final PaperFigure FIGURE_1A = new PaperFigure("Figure 1a", "general 1STR, eps = 0.7", "general",
            0.7, Map.of(
            "transformer", row(new int[] {2, 4, 6, 8, 10, 12}, "3.0k", "5.5k", "10.5k", "14.6k", "15.8k", "17.0k"),
            "gru", row(new int[] {2, 4, 6, 8, 10, 12}, "~1k", "16.2k", "32.8k", "40.9k", "58.6k", "73.8k"),
            "mlp", row(new int[] {2, 4, 6, 8, 10, 12}, "~2.5k", "9.3k", "20.3k", "~38.5k", "66.1k", "115.5k")),
            Map.of("transformer", 0.7, "gru", 1.2, "mlp", 2.5), new int[] {6, 12}, ARCHITECTURES);

    /** Simple 1STR, eps = 0.02, N = 25..33. */
    public static final PaperFigure FIGURE_1B = new PaperFigure("Figure 1b", "simple 1STR, eps = 0.02", "simple",
            0.02, Map.of(
            "transformer", row(new int[] {25, 27, 29, 31, 33}, "119k", "169k", "127k", "124k", "139k"),
            "gru", row(new int[] {25, 27, 29, 31, 33}, "~105k", "139k", "147k", "165k", "165k"),
            "mlp", row(new int[] {25, 27, 29, 31, 33}, "241k", "311k", "439k", "563k", "629k")),
            Map.of(), null, ARCHITECTURES);

    public static final List<PaperFigure> ALL = List.of(FIGURE_1A, FIGURE_1B);

    /** The figure this sweep measures at this threshold, or null when it measures none. */
    public static PaperFigure of(Analysis a, double threshold) {
        return ALL.stream().filter(p -> Double.compare(p.threshold, threshold) == 0 && p.matches(a)).findFirst()
                .orElse(null);
    }

    /** The paper's N for this figure, ascending. */
    public List<Integer> paperN() {
        return nStar.values().iterator().next().keySet().stream().sorted().toList();
    }

    /**
     * Whether the analysed sweep measures this figure's setting: task qstr with q = 1, d = 10, linear link and
     * this variant shared by every run, the online protocol (no fixed training set), this threshold on the
     * ladder, and at least one of the paper's N.
     */
    public boolean matches(Analysis a) {
        Map<String, String> s = a.sharedSettings();
        return "qstr".equals(s.get("task")) && "1".equals(s.get("task_options.q"))
                && "10".equals(s.get("task_options.d")) && "linear".equals(s.get("task_options.link"))
                && variant.equals(s.get("task_options.variant"))
                && a.runs().stream().allMatch(r -> r.spec().trainSet() == null)
                && a.thresholds().stream().anyMatch(t -> Double.compare(t, threshold) == 0)
                && a.ns().stream().anyMatch(paperN()::contains);
    }

    /** The paper's value for a learner at N as a number ("~2.5k" is 2500), or NaN when the paper has none. */
    public double value(String learner, int n) {
        String v = nStar.getOrDefault(learner, Map.of()).get(n);
        if (v == null) {
            return Double.NaN;
        }
        String t = v.replace("~", "").strip();
        double scale = t.endsWith("k") ? 1e3 : t.endsWith("M") ? 1e6 : 1;
        return Double.parseDouble(t.replaceAll("[kM]$", "")) * scale;
    }

    /**
     * How a series is named beside this figure: the paper's name for its architecture when the learner's options are
     * the paper's ("bi-GRU 500"), else what it is and what it stands in for ("gru hidden=128, substitute for the
     * paper's bi-GRU 500"); a learner the figure does not have keeps its series label. An option the record does
     * not hold is not taken to differ.
     *
     * @param options the series' resolved learner options
     */
    public String nameOf(String series, String learner, Map<String, Object> options) {
        String paperName = learners.get(learner);
        Map<String, Object> wanted = PAPER_OPTIONS.get(learner);
        if (paperName == null || wanted == null || !series.equals(learner)) {
            return series;
        }
        List<String> differ = wanted.entrySet().stream()
                .filter(e -> options.containsKey(e.getKey())
                        && !String.valueOf(e.getValue()).equals(String.valueOf(options.get(e.getKey()))))
                .map(e -> e.getKey() + "=" + options.get(e.getKey())).toList();
        return differ.isEmpty() ? paperName
                : learner + " " + String.join(" ", differ) + ", substitute for the paper's " + paperName;
    }

    private static Map<Integer, String> row(int[] n, String... values) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) {
            m.put(n[i], values[i]);
        }
        return m;
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
