package org.samplex.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.CurvePoint;

/**
 * The report's line plots: n* against N on log-log axes (one file per threshold, drawn by {@link LogChart}) and test
 * MSE against prompts seen (one file per N, drawn with XChart). Rendering needs no display: the JVM is made headless
 * unless the caller chose otherwise.
 */
final class Plots {

    /** Colour-blind-safe colours (Okabe and Ito), one per series in order. */
    static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(230, 159, 0), new Color(86, 180, 233), new Color(240, 228, 66),
        new Color(0, 0, 0)};

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 600;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    static Color colour(int series) {
        return PALETTE[series % PALETTE.length];
    }

    private static Color faded(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    /**
     * n* against N for one threshold on log-log axes with ticks at 1-2-5 steps: seeds as faint points (censored ones
     * as triangles at the cap), medians joined, the fitted line dashed, and the paper's values as hollow circles when
     * the sweep measures a figure of the paper ({@code figure}, else null); series named as the paper names them.
     */
    static Figure nStar(Analysis a, double threshold, PaperFigure figure, Path dir) throws IOException {
        String eps = Format.threshold(threshold);
        LogChart chart = new LogChart("n* against N, eps = " + eps, "N (sequence length, log scale)",
                "n* (training prompts to test MSE < " + eps + ", log scale)", true,
                a.ns().stream().mapToDouble(Integer::doubleValue).toArray());
        boolean anyCensored = false;
        for (int s = 0; s < a.series().size(); s++) {
            anyCensored |= addSeries(chart, a, s, threshold, figure);
        }
        String caption = "Each faint point is one seed (spread sideways a little so that they do not hide each "
                + "other); diamonds joined by a solid line are the medians over seeds at each N; the dashed line is "
                + "the least-squares fit of log n* on log N through the medians, with its slope and 95% bootstrap "
                + "interval over seeds in the legend."
                + (figure == null ? "" : " Hollow circles are the paper's values (" + figure.name() + ", means of 5 "
                + "runs read off its plot, measured with the authors' code)"
                + (figure.slopeRange() == null ? "." : "; the fit is over the paper's N range when the sweep has "
                + "two N in it, as the paper's slopes are."))
                + (anyCensored ? " Triangles are censored runs, drawn at their cap: their n* is only known to be "
                + "larger, so medians and slopes that include them are lower-bound-affected." : "");
        return chart.save("nstar_eps" + eps, caption, dir);
    }

    /** One series of the n* plot: its seeds, medians, fit and paper values; true when it has censored runs. */
    private static boolean addSeries(LogChart chart, Analysis a, int s, double threshold, PaperFigure figure) {
        String series = a.series().get(s);
        String name = a.name(series, figure);
        Color c = colour(s);
        List<double[]> crossed = new ArrayList<>();
        List<double[]> censored = new ArrayList<>();
        List<double[]> medians = new ArrayList<>();
        for (int n : a.ns()) {
            Cell cell = a.cell(series, n, threshold);
            if (cell == null || cell.values().length == 0) {
                continue;
            }
            List<Observation> valued = cell.observations().stream()
                    .filter(o -> o.outcome() != Observation.Outcome.DIVERGED).toList();
            for (int k = 0; k < valued.size(); k++) {
                // spread the seeds a little sideways (multiplicatively: the axis is logarithmic)
                double x = n * Math.exp(0.012 * (k - (valued.size() - 1) / 2.0) + 0.006 * (s - 1));
                Observation o = valued.get(k);
                (o.outcome() == Observation.Outcome.CENSORED ? censored : crossed).add(new double[] {x, o.value()});
            }
            medians.add(new double[] {n, cell.median()});
        }
        if (medians.isEmpty()) {
            return false;
        }
        chart.add(layer(null, faded(c, 110), crossed, Painter.Mark.CIRCLE, true, LogChart.Join.NONE));
        chart.add(layer(name + ": censored (n* > cap)", c, censored, Painter.Mark.TRIANGLE, true,
                LogChart.Join.NONE));
        chart.add(layer(name + ": median", c, medians, Painter.Mark.DIAMOND, true, LogChart.Join.SOLID));
        // beside a paper figure, the fit over the paper's N range (as its slopes are), when it has two N there
        Slope slope = a.slope(series, threshold);
        String fit = "fit: slope ";
        if (figure != null && figure.slopeRange() != null) {
            Slope ranged = a.slope(series, threshold, figure.slopeRange()[0], figure.slopeRange()[1]);
            if (ranged.defined()) {
                slope = ranged;
                fit = "fit over N " + ranged.ns().getFirst() + "-" + ranged.ns().getLast() + ": slope ";
            }
        }
        if (slope.defined()) {
            double lo = slope.ns().getFirst();
            double hi = slope.ns().getLast();
            chart.add(layer(fit + Format.slope(slope), c, List.of(
                    new double[] {lo, Math.exp(slope.fit().at(Math.log(lo)))},
                    new double[] {hi, Math.exp(slope.fit().at(Math.log(hi)))}), null, true, LogChart.Join.DASHED));
        }
        if (figure != null) {
            String learner = a.first(series).spec().learner();
            List<double[]> paper = new ArrayList<>();
            for (int n : figure.paperN()) {
                double v = figure.value(learner, n);
                if (Double.isFinite(v) && a.ns().contains(n) && series.equals(learner)) {
                    paper.add(new double[] {n, v});
                }
            }
            chart.add(layer("paper", c, paper, Painter.Mark.CIRCLE, false, LogChart.Join.NONE));
        }
        return !censored.isEmpty();
    }

    /**
     * n* against q at one N for one threshold (the paper's Figure 3): one line of medians per learner, seeds as faint
     * points, censored runs as triangles at their cap; q on a linear axis, n* on a log axis with 1-2-5 ticks.
     */
    static Figure nStarAgainstQ(Analysis a, double threshold, Path dir) throws IOException {
        String eps = Format.threshold(threshold);
        int n = a.ns().getFirst();
        LogChart chart = new LogChart("n* against q, N = " + n + ", eps = " + eps, "q (pointers per token)",
                "n* (training prompts to test MSE < " + eps + ", log scale)", false,
                a.qs().stream().mapToDouble(Integer::doubleValue).toArray());
        List<String> learners = a.learners();
        for (int l = 0; l < learners.size(); l++) {
            Color c = colour(l);
            List<double[]> seeds = new ArrayList<>();
            List<double[]> censored = new ArrayList<>();
            List<double[]> medians = new ArrayList<>();
            for (int q : a.qs()) {
                Cell cell = a.cellAtQ(learners.get(l), q, threshold);
                if (cell == null || cell.values().length == 0) {
                    continue;
                }
                for (Observation o : cell.observations()) {
                    if (o.outcome() != Observation.Outcome.DIVERGED) {
                        double x = q + 0.04 * (l - (learners.size() - 1) / 2.0);
                        boolean cut = o.outcome() == Observation.Outcome.CENSORED;
                        (cut ? censored : seeds).add(new double[] {x, o.value()});
                    }
                }
                medians.add(new double[] {q, cell.median()});
            }
            chart.add(layer(null, faded(c, 110), seeds, Painter.Mark.CIRCLE, true, LogChart.Join.NONE));
            chart.add(layer(learners.get(l) + ": censored (n* > cap)", c, censored, Painter.Mark.TRIANGLE, true,
                    LogChart.Join.NONE));
            chart.add(layer(learners.get(l) + ": median", c, medians, Painter.Mark.DIAMOND, true,
                    LogChart.Join.SOLID));
        }
        String caption = "One line per learner: the median n* over seeds at each q (diamonds); faint points are the "
                + "seeds, triangles censored runs drawn at their cap (their n* is only known to be larger). Each "
                + "learner's width follows q (see the summary's learner options).";
        return chart.save("nstar_q_eps" + eps, caption, dir);
    }

    /** A layer of points; one without points has no legend entry. */
    private static LogChart.Layer layer(String label, Color c, List<double[]> xy, Painter.Mark mark, boolean filled,
                                        LogChart.Join join) {
        return new LogChart.Layer(xy.isEmpty() ? null : label, c, column(xy, 0), column(xy, 1), mark, filled, join);
    }

    /** Test MSE against prompts seen at one N: one line per series (its lowest seed), the other seeds faint. */
    static Figure curves(Analysis a, int n, Path dir) throws IOException {
        XYChart chart = chart("Test MSE against training prompts, N = " + n, "training prompts seen (log scale)",
                "test MSE (log scale)");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("0.###");
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        for (int s = 0; s < a.series().size(); s++) {
            List<RunRecord> runs = a.runs(a.series().get(s), n);
            for (int k = 0; k < runs.size(); k++) {
                RunRecord r = runs.get(k);
                List<CurvePoint> shown = r.curve().stream()
                        .filter(p -> p.promptsSeen() > 0 && Double.isFinite(p.testMse()) && p.testMse() > 0)
                        .toList();
                if (shown.isEmpty()) {
                    continue;
                }
                double[] x = shown.stream().mapToDouble(CurvePoint::promptsSeen).toArray();
                double[] y = shown.stream().mapToDouble(CurvePoint::testMse).toArray();
                xMin = Math.min(xMin, x[0]);
                xMax = Math.max(xMax, x[x.length - 1]);
                String label = k == 0 ? a.series().get(s) + " (seed " + r.spec().seed() + ")"
                        : a.series().get(s) + " seed " + r.spec().seed();
                XYSeries line = chart.addSeries(label, x, y);
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(k == 0 ? colour(s) : faded(colour(s), 80));
                line.setLineStyle(new BasicStroke(k == 0 ? 2.2f : 1.0f));
                line.setShowInLegend(k == 0);
            }
        }
        chart.getStyler().setXAxisLogarithmicDecadeOnly(xMax > 30 * xMin);
        if (xMax > 0) {
            for (double t : a.thresholds()) {
                XYSeries line = chart.addSeries("eps = " + Format.threshold(t), new double[] {xMin, xMax},
                        new double[] {t, t});
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(Color.GRAY).setLineStyle(SeriesLines.DOT_DOT);
            }
        }
        String caption = "The thick line of each series is its lowest seed; faint lines are its other seeds. "
                + "Dotted grey lines are the thresholds. A run stops when it has crossed every threshold, so "
                + "its line ends there.";
        return save(chart, "curves_N" + n, "Test MSE against prompts seen, N = " + n, caption, dir);
    }

    private static double[] column(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(Color.DARK_GRAY);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendBorderColor(Color.WHITE);
        st.setXAxisLogarithmic(true);
        st.setYAxisLogarithmic(true);
        st.setXAxisLogarithmicDecadeOnly(false);
        st.setYAxisLogarithmicDecadeOnly(false);
        st.setMarkerSize(8);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLocale(Locale.ROOT);
        return chart;
    }

    private static Figure save(XYChart chart, String name, String title, String caption, Path dir)
            throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        Files.write(dir.resolve(name + ".png"), png.toByteArray());
        try (OutputStream svg = Files.newOutputStream(dir.resolve(name + ".svg"))) {
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }
        return new Figure(name, title, caption, png.toByteArray());
    }
}
