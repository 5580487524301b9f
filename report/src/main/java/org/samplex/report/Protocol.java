package org.samplex.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.samplex.experiment.Convention;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * The lines that open a report: the headline (the slopes, and whether their intervals separate), the convention
 * the runs were measured under beside the one that produced the paper's numbers, and the resolution of n*.
 */
final class Protocol {
    /** A ratio to the paper outside [1/1.5, 1.5] is flagged. */
    static final double RATIO_LO = 0.67;
    static final double RATIO_HI = 1.5;

    private Protocol() {
    }

    /**
     * One line: the slopes at the first threshold (over the paper's N range when the sweep measures a figure of the
     * paper), in increasing order, and whether neighbouring 95% intervals separate; null without two N.
     */
    static String headline(Analysis a) {
        if (a.thresholds().isEmpty()) {
            return null;
        }
        double t = a.thresholds().getFirst();
        PaperFigure figure = PaperFigure.of(a, t);
        int lo = figure != null && figure.slopeRange() != null ? figure.slopeRange()[0] : Integer.MIN_VALUE;
        int hi = figure != null && figure.slopeRange() != null ? figure.slopeRange()[1] : Integer.MAX_VALUE;
        List<Slope> slopes = slopes(a, t, lo, hi);
        if (slopes.isEmpty()) {
            // the sweep has fewer than two of the paper's N: the slopes over all its N
            slopes = slopes(a, t, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (slopes.isEmpty()) {
            return null;
        }
        slopes.sort(Comparator.comparingDouble(s -> s.fit().slope()));
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < slopes.size(); i++) {
            if (slopes.get(i).interval().lo() <= slopes.get(i - 1).interval().hi()) {
                overlaps.add(a.name(slopes.get(i - 1).series(), figure) + " and " + a.name(slopes.get(i).series(),
                        figure));
            }
        }
        TreeSet<Integer> used = new TreeSet<>();
        slopes.forEach(s -> used.addAll(s.ns()));
        String range = "N " + used.first() + " to " + used.last();
        String paper = figure == null || figure.slopes().isEmpty() ? "" : "; the paper: " + slopes.stream()
                .map(s -> figure.slopes().get(a.first(s.series()).spec().learner()))
                .map(v -> v == null ? "-" : "about " + v)
                .collect(Collectors.joining(" / "));
        return "**Headline** (eps = " + Format.threshold(t) + ", " + range + "): slopes of log n* on log N "
                + slopes.stream().map(s -> a.name(s.series(), figure) + " " + Format.slope(s)
                + (s.lowerBoundAffected() ? " (lower-bound-affected)" : "")).collect(Collectors.joining(" < "))
                + (slopes.size() < 2 ? "" : overlaps.isEmpty() ? "; the 95% intervals separate"
                : "; the intervals of " + String.join(", of ", overlaps) + " overlap") + paper + ".";
    }

    private static List<Slope> slopes(Analysis a, double t, int lo, int hi) {
        List<Slope> out = new ArrayList<>();
        for (String s : a.series()) {
            Slope slope = a.slope(s, t, lo, hi);
            if (slope.defined()) {
                out.add(slope);
            }
        }
        return out;
    }

    /** Which convention produced these numbers, and that the paper's come from the authors' code. */
    static String convention(Analysis a) {
        TreeSet<String> names = new TreeSet<>();
        a.runs().forEach(r -> names.add(r.spec().convention() == null ? "none" : r.spec().convention()));
        String settings = settings(a);
        String ours;
        if (names.size() > 1) {
            ours = "These runs were measured under several conventions (" + String.join(", ", names) + ").";
        } else if (names.contains("none")) {
            ours = "These runs name no convention; their settings: " + settings + ".";
        } else {
            Convention c = Convention.of(names.first());
            ours = "Our numbers were measured under the `" + c.word() + "` convention ("
                    + (c == Convention.AUTHORS_CODE ? "the settings of the authors' released code" : "the settings "
                    + "the paper's text states") + "): " + settings + ".";
        }
        return ours + " The paper's plotted numbers were produced by the authors' code, that is under `"
                + Convention.AUTHORS_CODE.word() + "` (weight decay 0.01, 5,000 test prompts of the simple variant); "
                + "`" + Convention.PAPER_TEXT.word() + "` is what its text states (0.1, 10,000, the training "
                + "variant), and moves n* (docs/qstr.md section 4.1).";
    }

    /** The settings a convention sets, as these runs have them ("weight decay 0.01, test set 5,000, ..."). */
    private static String settings(Analysis a) {
        TreeSet<String> wd = new TreeSet<>();
        TreeSet<String> test = new TreeSet<>();
        TreeSet<String> variant = new TreeSet<>();
        for (RunRecord r : a.runs()) {
            RunSpec s = r.spec();
            wd.add(Format.decimalTick(s.weightDecay()));
            test.add(Format.count(s.testSize()));
            Object v = s.taskOptions().get(Convention.TEST_VARIANT);
            if (v != null) {
                variant.add(String.valueOf(v));
            }
        }
        return "weight decay " + String.join(" / ", wd) + ", test set " + String.join(" / ", test) + " prompts"
                + (variant.isEmpty() ? "" : ", test prompts of variant `" + String.join("` / `", variant) + "`");
    }

    /** How finely n* is known: a check every k steps of B prompts resolves it to B k prompts. */
    static String resolution(Analysis a) {
        TreeSet<String> parts = new TreeSet<>();
        for (RunRecord r : a.runs()) {
            RunSpec s = r.spec();
            if (s.checkEvery() != null) {
                parts.add(s.batch() + " x " + s.checkEvery() + " = " + Format.count((long) s.batch() * s.checkEvery()));
            }
        }
        return parts.isEmpty() ? null : "Resolution of n*: it is measured at checks every k steps of B prompts, so "
                + "it is known to within B x k prompts (" + String.join("; ", parts) + "): two values closer than "
                + "that are equal at this resolution.";
    }

    /** "ours / paper (ratio)", the ratio in bold and flagged when outside [0.67, 1.5]. */
    static String versus(Cell ours, double paper, String paperText) {
        if (ours == null || ours.values().length == 0) {
            return "- / " + paperText;
        }
        String o = (ours.medianIsLowerBound() ? ">" : "") + Format.count(ours.median());
        if (!Double.isFinite(paper) || paper <= 0) {
            return o + " / " + paperText;
        }
        double ratio = ours.median() / paper;
        boolean outside = ratio < RATIO_LO || ratio > RATIO_HI;
        return o + " / " + paperText + " (" + (outside ? "**" + Format.decimal(ratio, 2) + " outside**"
                : Format.decimal(ratio, 2)) + ")";
    }

    /** The learner options a report prints for the choices the paper leaves open (head split, pointers). */
    static String choices(Analysis a) {
        List<String> out = new ArrayList<>();
        Map<String, String> shared = a.sharedSettings();
        if (shared.containsKey("task_options.pointers") && !"1".equals(shared.get("task_options.q"))) {
            out.add("pointers " + shared.get("task_options.pointers").replace("\"", "") + " (the paper does not "
                    + "say whether a token's q pointers are distinct)");
        }
        TreeSet<String> split = new TreeSet<>();
        a.runs().stream().filter(r -> r.spec().learnerOptions().containsKey("split-heads"))
                .forEach(r -> split.add(String.valueOf(r.spec().learnerOptions().get("split-heads"))));
        if (!split.isEmpty()) {
            out.add("Transformer heads " + (split.equals(new TreeSet<>(List.of("false"))) ? "full-width (each head "
                    + "its own D x D projections)" : split.equals(new TreeSet<>(List.of("true")))
                    ? "splitting the width D between them (PyTorch style)" : "both full-width and split")
                    + " (the paper does not say how its heads split the width)");
        }
        return out.isEmpty() ? null : "Choices the paper leaves open: " + String.join("; ", out) + ".";
    }
}
