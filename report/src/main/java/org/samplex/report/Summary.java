package org.samplex.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.samplex.experiment.RunRecord;

/** The words and tables of the report (summary.md and report.html share them through {@link Doc}). */
final class Summary {
    private Summary() {
    }

    static Doc build(Path dir, String about, Analysis a, java.util.function.Function<RunRecord, String> keyOf,
                     List<Report.FailedRun> failures, List<Figure> nStarPlots, List<Figure> curvePlots,
                     List<Figure> artifactPlots) {
        Doc doc = new Doc().heading(1, "samplex report: " + dir.toAbsolutePath().getFileName());
        String headline = Protocol.headline(a);
        if (headline != null) {
            doc.paragraph(headline);
        }
        if (about != null) {
            doc.paragraph("What was run: " + about);
        }
        doc.paragraph(counts(a, failures));
        if (!a.runs().isEmpty()) {
            doc.paragraph(Protocol.convention(a));
            for (String line : new String[] {Protocol.resolution(a), Protocol.choices(a)}) {
                if (line != null) {
                    doc.paragraph(line);
                }
            }
        }
        if (!a.series().isEmpty()) {
            doc.paragraph("Series: " + String.join("; ", a.series()) + ". Settings shared by every run: "
                    + a.sharedSettings().entrySet().stream().filter(e -> !e.getKey().startsWith("learner_options."))
                    .map(e -> "`" + e.getKey() + "` " + e.getValue())
                    .collect(Collectors.joining(", ")) + ".");
            doc.paragraph("Learner options (as resolved, defaults included): " + learnerOptions(a) + ".");
        }
        doc.paragraph("How to read the tables: n* is the number of training prompts seen at the first test "
                + "check below the threshold. Each cell gives the median over seeds, the range [min, max] and "
                + "the number of seeds. A censored run (cap reached before crossing) counts at its cap as a "
                + "lower bound, and a value marked `>` is only known to be at least that. A diverged run is "
                + "counted but has no value. The slope is least squares of log n* on log N through the per-N "
                + "medians. Its 95% interval is a percentile bootstrap over seeds: seeds are resampled within "
                + "each N, " + Estimators.RESAMPLES + " times, with a fixed random seed, so the same runs always "
                + "give the same interval.");
        for (double t : a.thresholds()) {
            if (a.againstQ()) {
                againstQ(doc, a, t);
            }
            threshold(doc, a, t);
        }
        for (PaperFigure p : PaperFigure.ALL) {
            if (p.matches(a)) {
                paper(doc, a, p);
            }
        }
        if (!a.runs().isEmpty()) {
            doc.heading(2, "Provenance").table(List.of("what", "these runs"), RunFiles.provenance(a, null));
            List<String> header = new ArrayList<>();
            List<List<String>> rows = RunFiles.runTable(a, keyOf, header);
            doc.heading(2, "Runs").paragraph("One row per run (its key's first 12 digits; `samplex runs DIR` "
                    + "lists and filters them with every option).").table(header, rows);
        }
        failures(doc, failures);
        plots(doc, "n* against N", nStarPlots);
        plots(doc, "Test MSE against prompts seen", curvePlots);
        plots(doc, "Learned matrices", artifactPlots);
        List<String> files = new ArrayList<>(List.of("`summary.md`: this summary",
                "`report.html`: the same in one self-contained page, plots included",
                "`nstar.csv`: one row per run and threshold (nstar empty when not crossed; censored true when "
                        + "the cap was reached first), with its run_key and every resolved option",
                "`curves.csv`: one row per run and check: run_key, prompts seen, test MSE, training loss"));
        for (List<Figure> figures : List.of(nStarPlots, curvePlots, artifactPlots)) {
            figures.forEach(f -> files.add("`" + f.name() + ".png`, `" + f.name() + ".svg`: " + f.title()));
        }
        doc.heading(2, "Files").items(files);
        return doc;
    }

    /** Each series' learner options; options that name the series (they differ between its runs) included. */
    private static String learnerOptions(Analysis a) {
        List<String> parts = new ArrayList<>();
        for (String s : a.series()) {
            Map<String, Object> options = a.runs().stream().filter(r -> a.seriesOf(r).equals(s)).findFirst()
                    .map(r -> r.spec().learnerOptions()).orElse(Map.of());
            parts.add(s + ": " + (options.isEmpty() ? "none" : options.entrySet().stream()
                    .map(e -> "`" + e.getKey() + "` " + e.getValue()).collect(Collectors.joining(", "))));
        }
        return String.join("; ", parts);
    }

    private static String counts(Analysis a, List<Report.FailedRun> failures) {
        long completed = a.runs().stream().filter(r -> r.status() == RunRecord.Status.COMPLETED).count();
        long censored = a.runs().stream().filter(r -> r.status() == RunRecord.Status.CENSORED).count();
        long diverged = a.runs().stream().filter(r -> r.status() == RunRecord.Status.DIVERGED).count();
        return (a.runs().size() + failures.size()) + " runs: " + completed + " completed, " + censored
                + " censored, " + diverged + " diverged, " + failures.size() + " failed. Thresholds: "
                + a.thresholds().stream().map(Format::threshold).collect(Collectors.joining(", ")) + "; N: "
                + a.ns().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ".";
    }

    private static void threshold(Doc doc, Analysis a, double t) {
        doc.heading(2, "Threshold eps = " + Format.threshold(t));
        List<String> header = new ArrayList<>(List.of("series"));
        a.ns().forEach(n -> header.add("N = " + n));
        List<List<String>> rows = new ArrayList<>();
        for (String s : a.series()) {
            List<String> row = new ArrayList<>(List.of(s));
            for (int n : a.ns()) {
                row.add(cell(a.cell(s, n, t)));
            }
            rows.add(row);
        }
        doc.paragraph("n*: median [min, max] over seeds.").table(header, rows);
        List<List<String>> slopes = new ArrayList<>();
        for (String s : a.series()) {
            slopes.add(slopeRow(s, a.slope(s, t)));
        }
        doc.paragraph("Slope of log n* on log N (fitted through the medians at every N with a value):")
                .table(List.of("series", "slope", "95% bootstrap interval", "N used", "note"), slopes);
    }

    /** The table of n* against q, one row per learner (the paper's Figure 3). */
    private static void againstQ(Doc doc, Analysis a, double t) {
        doc.heading(2, "n* against q, N = " + a.ns().getFirst() + ", eps = " + Format.threshold(t));
        List<String> header = new ArrayList<>(List.of("learner"));
        a.qs().forEach(q -> header.add("q = " + q));
        header.add("learner options that follow q");
        List<List<String>> rows = new ArrayList<>();
        for (String learner : a.learners()) {
            List<String> row = new ArrayList<>(List.of(learner));
            for (int q : a.qs()) {
                row.add(cell(a.cellAtQ(learner, q, t)));
            }
            row.add(optionsByQ(a, learner));
            rows.add(row);
        }
        doc.paragraph("n*: median [min, max] over seeds, by learner and q, and each learner's widths at q = "
                + a.qs().stream().map(String::valueOf).collect(Collectors.joining(", ")) + " (the paper's Figure 3: "
                + "a Transformer with q heads, a bi-GRU with 500q units per direction and an FFN [N d q, 1000]; it "
                + "shows the gap between the architectures growing with q).").table(header, rows);
    }

    /** The learner options that differ between a learner's q ("hidden 64 / 128 / 192"), or a word when none do. */
    private static String optionsByQ(Analysis a, String learner) {
        List<Map<String, Object>> byQ = a.qs().stream().map(q -> a.runs().stream()
                .filter(r -> r.spec().learner().equals(learner) && Analysis.q(r) == q).findFirst()
                .map(r -> r.spec().learnerOptions()).orElse(Map.of())).toList();
        List<String> parts = new ArrayList<>();
        for (String k : new TreeSet<>(byQ.getFirst().keySet())) {
            List<String> values = byQ.stream().map(m -> String.valueOf(m.get(k))).toList();
            if (values.stream().distinct().count() > 1) {
                parts.add(k + " " + String.join(" / ", values));
            }
        }
        return parts.isEmpty() ? "as the learner's defaults for q" : String.join("; ", parts);
    }

    private static List<String> slopeRow(String series, Slope s) {
        if (!s.defined()) {
            return List.of(series, "n/a", "", ns(s), "fewer than two N with a value");
        }
        List<String> notes = new ArrayList<>();
        if (s.lowerBoundAffected()) {
            notes.add("**lower-bound-affected**: " + s.censored() + " censored run" + (s.censored() == 1 ? "" : "s")
                    + " counted at the cap");
        }
        if (s.diverged() > 0) {
            notes.add(s.diverged() + " diverged run" + (s.diverged() == 1 ? "" : "s") + " left out");
        }
        return List.of(series, Format.decimal(s.fit().slope(), 2), "[" + Format.decimal(s.interval().lo(), 2)
                + ", " + Format.decimal(s.interval().hi(), 2) + "]", ns(s), String.join("; ", notes));
    }

    private static String ns(Slope s) {
        return s.ns().isEmpty() ? "none" : s.ns().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** "3.2k [2.6k, 4.5k], 5 seeds, 1 censored"; a lower-bound median is written ">1M". */
    static String cell(Cell c) {
        if (c == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (c.values().length == 0) {
            sb.append("no value");
        } else {
            sb.append(c.medianIsLowerBound() ? ">" : "").append(Format.count(c.median()));
            if (c.values().length > 1) {
                sb.append(" [").append(Format.count(c.min())).append(", ").append(c.maxIsLowerBound() ? ">" : "")
                        .append(Format.count(c.max())).append(']');
            }
        }
        sb.append(", ").append(c.seeds()).append(c.seeds() == 1 ? " seed" : " seeds");
        if (c.censored() > 0) {
            sb.append(", ").append(c.censored()).append(" censored");
        }
        if (c.diverged() > 0) {
            sb.append(", ").append(c.diverged()).append(" diverged");
        }
        return sb.toString();
    }

    private static void paper(Doc doc, Analysis a, PaperFigure p) {
        doc.heading(2, "Beside the paper: " + p.name() + " (" + p.what() + ")");
        doc.paragraph("The paper's numbers are means over 5 runs read off its plots (docs/qstr.md section 5; `~` "
                + "marks a rough reading), measured with the authors' code (convention `authors-code`), for its "
                + "architectures: " + p.learners().entrySet().stream()
                .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", "))
                + ". Ours are medians over seeds with this sweep's settings (above); in brackets the ratio ours / "
                + "paper, in bold where it is outside [" + Protocol.RATIO_LO + ", " + Protocol.RATIO_HI + "].");
        List<Integer> ns = p.paperN().stream().filter(a.ns()::contains).toList();
        List<String> header = new ArrayList<>(List.of("series"));
        ns.forEach(n -> header.add("N = " + n + ": ours / paper"));
        List<List<String>> rows = new ArrayList<>();
        for (String s : a.series()) {
            String learner = learnerOf(a, s);
            Map<Integer, String> paper = p.nStar().get(learner);
            if (paper == null) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(a.name(s, p)));
            for (int n : ns) {
                row.add(Protocol.versus(a.cell(s, n, p.threshold()), p.value(learner, n), paper.get(n)));
            }
            rows.add(row);
        }
        doc.table(header, rows);
        if (p.slopeRange() != null && !p.slopes().isEmpty()) {
            int lo = p.slopeRange()[0];
            int hi = p.slopeRange()[1];
            List<List<String>> slopes = new ArrayList<>();
            for (String s : a.series()) {
                Double theirs = p.slopes().get(learnerOf(a, s));
                Slope ours = a.slope(s, p.threshold(), lo, hi);
                if (theirs != null && ours.defined()) {
                    slopes.add(List.of(a.name(s, p), Format.slope(ours) + (ours.lowerBoundAffected()
                            ? " (lower-bound-affected)"
                            : ""), "about " + theirs));
                }
            }
            if (slopes.isEmpty()) {
                doc.paragraph("The paper's slopes are over N " + lo + " to " + hi + "; this sweep has fewer than two "
                        + "of those N, so they have nothing to compare with.");
            } else {
                doc.paragraph("Slopes over N " + lo + " to " + hi + ", the paper's range:")
                        .table(List.of("series", "ours [95% interval]", "paper"), slopes);
            }
        }
    }

    private static String learnerOf(Analysis a, String series) {
        return a.runs().stream().filter(r -> a.seriesOf(r).equals(series)).findFirst()
                .map(r -> r.spec().learner()).orElse("");
    }

    private static void failures(Doc doc, List<Report.FailedRun> failures) {
        if (failures.isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Report.FailedRun f : failures) {
            String error = f.error() == null ? "" : f.error().lines().findFirst().orElse("");
            rows.add(List.of("`" + f.runKey() + "`", Report.describeFailed(f), error));
        }
        doc.heading(2, "Failed runs").paragraph("These runs threw instead of producing a record; they appear in "
                + "no table or plot above.").table(List.of("run key", "run", "error"), rows);
    }

    private static void plots(Doc doc, String title, List<Figure> figures) {
        if (figures.isEmpty()) {
            return;
        }
        doc.heading(2, title);
        figures.forEach(doc::image);
    }
}
