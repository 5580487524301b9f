package org.samplex.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * Writes a sweep's report into a folder: summary.md, report.html (self-contained), nstar.csv and the plots as PNG
 * and SVG. What is computed is described in {@link Analysis}, {@link Estimators} and the summary itself.
 */
public final class Report {

    /**
     * A run that threw instead of producing a record.
     *
     * @param runKey its key in the store
     * @param spec   its spec as canonical JSON (or whatever the store holds)
     * @param error  the error it failed with
     */
    public record FailedRun(String runKey, String spec, String error) {
    }

    private Report() {
    }

    /**
     * Writes every file of the report into {@code dir} (created if needed; files of the same names are replaced,
     * others left alone) and returns their paths.
     *
     * @param runs     the records of completed, censored and diverged runs
     * @param failures the runs that failed
     */
    public static List<Path> write(Path dir, List<RunRecord> runs, List<FailedRun> failures) throws IOException {
        return write(dir, null, runs, Map.of(), failures);
    }

    /**
     * As {@link #write(Path, List, List)}, with a sentence on what was run (a plan's description) at the top of the
     * summary, or null for none, and the runs' keys in their store (by identity; a run without one gets the key its
     * spec makes with this samplex, or none when its backend is unresolved).
     */
    public static List<Path> write(Path dir, String about, List<RunRecord> runs, Map<RunRecord, String> keys,
                                   List<FailedRun> failures) throws IOException {
        Files.createDirectories(dir);
        Analysis a = Analysis.of(runs);
        Function<RunRecord, String> keyOf = r -> keys.containsKey(r) ? keys.get(r) : RunFiles.keyOf(r);
        List<Path> written = new ArrayList<>();
        List<Figure> nStarPlots = new ArrayList<>();
        List<Figure> curvePlots = new ArrayList<>();
        List<Figure> artifactPlots = new ArrayList<>();
        String plotProblem = null;
        try {
            for (double t : a.thresholds()) {
                boolean anyValue = a.observations().stream().anyMatch(o -> o.threshold() == t
                        && o.outcome() != Observation.Outcome.DIVERGED);
                if (anyValue) {
                    nStarPlots.add(a.againstQ() ? Plots.nStarAgainstQ(a, t, dir)
                            : Plots.nStar(a, t, PaperFigure.of(a, t), dir));
                }
            }
            for (int n : a.ns()) {
                if (a.runs().stream().anyMatch(r -> Analysis.n(r) == n && !r.curve().isEmpty())) {
                    curvePlots.add(Plots.curves(a, n, dir));
                }
            }
            artifactPlots.addAll(artifactPlots(a, dir));
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            // Drawing needs fonts (fontconfig); a machine without them still gets the tables, the CSV and the
            // summary, with the reason the plots are missing.
            plotProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            nStarPlots.clear();
            curvePlots.clear();
            artifactPlots.clear();
        }
        for (List<Figure> figures : List.of(nStarPlots, curvePlots, artifactPlots)) {
            for (Figure f : figures) {
                written.add(dir.resolve(f.name() + ".png"));
                written.add(dir.resolve(f.name() + ".svg"));
            }
        }
        Path csv = dir.resolve("nstar.csv");
        Files.writeString(csv, RunFiles.nStarCsv(a, keyOf), StandardCharsets.UTF_8);
        written.add(csv);
        Path curves = dir.resolve("curves.csv");
        Files.writeString(curves, RunFiles.curvesCsv(a, keyOf), StandardCharsets.UTF_8);
        written.add(curves);

        Doc doc = Summary.build(dir, about, a, keyOf, failures, nStarPlots, curvePlots, artifactPlots);
        String note = plotProblem == null ? "" : "Plots were not drawn on this machine (" + plotProblem
                + "); `samplex report` on a machine with fonts draws them from the same store.";
        Path md = dir.resolve("summary.md");
        Files.writeString(md, doc.markdown() + (note.isEmpty() ? "" : "\n" + note + "\n"), StandardCharsets.UTF_8);
        written.add(md);
        Path html = dir.resolve("report.html");
        String page = doc.html("samplex report: " + dir.toAbsolutePath().getFileName());
        if (!note.isEmpty()) {
            page = page.replace("</body>", "<p>" + note.replace("&", "&amp;").replace("<", "&lt;") + "</p></body>");
        }
        Files.writeString(html, page, StandardCharsets.UTF_8);
        written.add(html);
        return written;
    }

    /**
     * Heat maps of the learner matrices of runs that kept them: for each series and N, those of its lowest seed
     * that has any.
     */
    private static List<Figure> artifactPlots(Analysis a, Path dir) throws IOException {
        List<Figure> out = new ArrayList<>();
        for (String series : a.series()) {
            for (int n : a.ns()) {
                RunRecord r = a.runs(series, n).stream().filter(x -> !x.artifacts().isEmpty()).findFirst()
                        .orElse(null);
                if (r == null) {
                    continue;
                }
                String who = series + ", N = " + n + ", seed " + r.spec().seed();
                String base = "artifact_" + slug(series) + "_N" + n + "_seed" + r.spec().seed() + "_";
                for (Map.Entry<String, double[][]> e : r.artifacts().entrySet()) {
                    out.addAll(artifact(e.getKey(), e.getValue(), who, base + slug(e.getKey()), r, dir));
                }
            }
        }
        return out;
    }

    /** The heat maps of one matrix: W_Q^T W_K twice (the paper's |.| on a power scale, and signed), others once. */
    private static List<Figure> artifact(String key, double[][] m, String who, String name, RunRecord r, Path dir)
            throws IOException {
        String head = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1).replaceFirst("^head", "head ")
                : "";
        if (key.startsWith("wqk.")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> task = r.provenance().get("task") instanceof Map<?, ?> t
                    ? (Map<String, Object>) t : Map.of();
            List<HeatMaps.Block> blocks = HeatMaps.tokenBlocks(task, m.length == 0 ? 0 : m[0].length);
            String blocksText = "Blocks, ruled at d and d + d_e: x the content, E_i the token's own position code, "
                    + "E_t the code of the position it points to. Retrieval shows as a diagonal in the block pairing "
                    + "the query's E_t with the key's E_i (docs/qstr.md section 5, Figure 2).";
            String paperCaption = "|W_Q^T W_K| of " + head + " (" + who + ") as the paper draws Figure 2: the size "
                    + "of entry (a, b), the weight of feature a of the query token against feature b of the key token, "
                    + "on a power colour scale (shade (|v| / max)^" + HeatMaps.Shade.GAMMA + ", white 0). "
                    + blocksText;
            String signedCaption = "W_Q^T W_K of " + head + " (" + who + ") with its signs (red positive, blue "
                    + "negative, scale symmetric about 0). " + blocksText;
            String title = "W_Q^T W_K, " + head + " (" + who + ")";
            return List.of(HeatMaps.draw(m, HeatMaps.Shade.ABS_POWER, blocks, "|" + title.replaceFirst(",", "|,"),
                            "query feature", "key feature", name + "_abs", paperCaption, dir),
                    HeatMaps.draw(m, HeatMaps.Shade.SIGNED, blocks, title, "query feature", "key feature", name,
                            signedCaption, dir));
        }
        if (key.startsWith("attention.")) {
            String caption = "Softmax attention weights of " + head + " on test prompt 0 (" + who + "): row i is "
                    + "the query position, column t the key position; every row sums to 1 (white 0, dark the "
                    + "largest weight).";
            return List.of(HeatMaps.draw(m, HeatMaps.Shade.POSITIVE, List.of(), "Attention, " + head
                    + ", test prompt 0 (" + who + ")", "query position i", "key position t", name, caption, dir));
        }
        return List.of(HeatMaps.draw(m, HeatMaps.Shade.SIGNED, List.of(), key + " (" + who + ")", "row", "column",
                name, "The learner's matrix " + key + " (" + who + ").", dir));
    }

    static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("^-|-$", "").replace('.', '_');
    }

    /** The failed run's learner, N and seed when its spec can be read, for the summary's list. */
    static String describeFailed(FailedRun f) {
        try {
            @SuppressWarnings("unchecked")
            RunSpec s = RunSpec.fromMap((Map<String, Object>) Json.parse(f.spec()));
            return s.learner() + ", N = " + s.taskOptions().get("N") + ", seed " + s.seed();
        } catch (RuntimeException unreadable) {
            return "(spec not readable)";
        }
    }
}
