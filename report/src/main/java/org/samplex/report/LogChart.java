package org.samplex.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * A scatter-and-line chart with a logarithmic y axis and a logarithmic or linear x axis, drawn by hand so that the
 * log axes carry labelled ticks at 1-2-5 steps (XChart labels only decades or every digit) and hollow markers can
 * stand for the paper's values. One layout paints the PNG and the SVG ({@link Painter}).
 *
 * <p>A chart is a list of {@link Layer}s drawn in order; a layer with a legend label gets a legend entry.
 */
final class LogChart {

    /** How a layer joins its points. */
    enum Join { NONE, SOLID, DASHED }

    /**
     * Points drawn alike.
     *
     * @param label  the legend entry, or null for none
     * @param colour the colour (its alpha fades the markers)
     * @param xs     x values, one per point
     * @param ys     y values (&gt; 0), one per point
     * @param mark   the marker, or null for none
     * @param filled a filled marker, or hollow (an outline)
     * @param join   how the points are joined, in order
     */
    record Layer(String label, Color colour, double[] xs, double[] ys, Painter.Mark mark, boolean filled, Join join) {
    }

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 600;
    private static final int LEFT = 92;
    private static final int TOP = 56;
    private static final int RIGHT = 380;
    private static final int BOTTOM = 70;
    private static final Color AXIS = new Color(60, 60, 60);
    private static final Color GRID = new Color(228, 228, 228);

    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final boolean logX;
    private final double[] xValues;
    private final List<Layer> layers = new ArrayList<>();

    /**
     * @param logX    a logarithmic x axis (else linear, ticked at integers)
     * @param xValues the x values the data sit at (N, not the jittered seeds): a short log axis is ticked at them
     */
    LogChart(String title, String xTitle, String yTitle, boolean logX, double[] xValues) {
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.logX = logX;
        this.xValues = xValues.clone();
    }

    LogChart add(Layer layer) {
        layers.add(layer);
        return this;
    }

    /**
     * The ticks of a log axis over [lo, hi]: every 1, 2 and 5 x 10^k inside; when fewer than three fall inside,
     * the data's own values ({@code data}) are added, so that a short range is labelled too.
     */
    static List<Double> logTicks(double lo, double hi, double[] data) {
        TreeSet<Double> ticks = new TreeSet<>();
        for (int k = (int) Math.floor(Math.log10(lo)) - 1; k <= (int) Math.ceil(Math.log10(hi)); k++) {
            for (int m : new int[] {1, 2, 5}) {
                double t = m * Math.pow(10, k);
                if (t >= lo * 0.999 && t <= hi * 1.001) {
                    ticks.add(t);
                }
            }
        }
        if (ticks.size() < 3) {
            for (double v : data) {
                ticks.add(v);
            }
        }
        return List.copyOf(ticks);
    }

    /** Writes {@code name}.png and {@code name}.svg into {@code dir}. */
    Figure save(String name, String caption, Path dir) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        paint(new Painter.Awt(g));
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        Files.write(dir.resolve(name + ".png"), png.toByteArray());
        Painter.Svg svg = new Painter.Svg();
        paint(svg);
        Files.writeString(dir.resolve(name + ".svg"), svg.document(WIDTH, HEIGHT), StandardCharsets.UTF_8);
        return new Figure(name, title, caption, png.toByteArray());
    }

    private void paint(Painter p) {
        double[] allX = layers.stream().flatMapToDouble(l -> Arrays.stream(l.xs())).toArray();
        double[] allY = layers.stream().flatMapToDouble(l -> Arrays.stream(l.ys()))
                .filter(y -> y > 0 && Double.isFinite(y)).toArray();
        double xLo = min(allX);
        double xHi = max(allX);
        double yLo = min(allY) / 1.25;
        double yHi = max(allY) * 1.25;
        Scale x = logX ? Scale.log(xLo / 1.12, xHi * 1.12, LEFT, WIDTH - RIGHT)
                : Scale.linear(xLo - 0.4, xHi + 0.4, LEFT, WIDTH - RIGHT);
        Scale y = Scale.log(yLo, yHi, HEIGHT - BOTTOM, TOP);
        p.text(WIDTH / 2.0 - RIGHT / 2.0, 30, title, 16, true, Painter.Anchor.MIDDLE, false);
        List<Double> xTicks = logX ? logTicks(x.lo(), x.hi(), xValues) : integerTicks(xLo, xHi);
        for (double t : xTicks) {
            double px = x.at(t);
            p.line(px, TOP, px, HEIGHT - BOTTOM, GRID, 1f);
            p.line(px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 5, AXIS, 1f);
            p.text(px, HEIGHT - BOTTOM + 20, Format.count(t), 12, false, Painter.Anchor.MIDDLE, false);
        }
        for (double t : logTicks(y.lo(), y.hi(), distinct(allY))) {
            double py = y.at(t);
            p.line(LEFT, py, WIDTH - RIGHT, py, GRID, 1f);
            p.line(LEFT - 5, py, LEFT, py, AXIS, 1f);
            p.text(LEFT - 9, py + 4, Format.count(t), 12, false, Painter.Anchor.END, false);
        }
        p.line(LEFT, TOP, WIDTH - RIGHT, TOP, AXIS, 1f);
        p.line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, AXIS, 1f);
        p.line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, AXIS, 1f);
        p.line(WIDTH - RIGHT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM, AXIS, 1f);
        p.text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 22, xTitle, 13, false, Painter.Anchor.MIDDLE, false);
        p.text(24, (TOP + HEIGHT - BOTTOM) / 2.0, yTitle, 13, false, Painter.Anchor.MIDDLE, true);
        for (Layer l : layers) {
            draw(p, l, x, y);
        }
        legend(p);
    }

    private static void draw(Painter p, Layer l, Scale x, Scale y) {
        for (int i = 0; i < l.xs().length; i++) {
            if (i > 0 && l.join() != Join.NONE) {
                double x1 = x.at(l.xs()[i - 1]);
                double y1 = y.at(l.ys()[i - 1]);
                double x2 = x.at(l.xs()[i]);
                double y2 = y.at(l.ys()[i]);
                if (l.join() == Join.SOLID) {
                    p.line(x1, y1, x2, y2, l.colour(), 2.2f);
                } else {
                    p.dashed(x1, y1, x2, y2, l.colour(), 1.6f);
                }
            }
        }
        if (l.mark() != null) {
            for (int i = 0; i < l.xs().length; i++) {
                p.mark(l.mark(), x.at(l.xs()[i]), y.at(l.ys()[i]), l.filled() ? 8 : 11, l.colour(), l.filled());
            }
        }
    }

    private void legend(Painter p) {
        double lx = WIDTH - RIGHT + 22;
        double ly = TOP + 8;
        for (Layer l : layers) {
            if (l.label() == null) {
                continue;
            }
            Color opaque = new Color(l.colour().getRed(), l.colour().getGreen(), l.colour().getBlue());
            if (l.join() == Join.SOLID) {
                p.line(lx, ly, lx + 26, ly, opaque, 2.2f);
            } else if (l.join() == Join.DASHED) {
                p.dashed(lx, ly, lx + 26, ly, opaque, 1.6f);
            }
            if (l.mark() != null) {
                p.mark(l.mark(), lx + 13, ly, l.filled() ? 8 : 11, opaque, l.filled());
            }
            p.text(lx + 34, ly + 4, l.label(), 12, false, Painter.Anchor.START, false);
            ly += 20;
        }
    }

    private static List<Double> integerTicks(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        for (long v = (long) Math.ceil(lo); v <= hi; v++) {
            out.add((double) v);
        }
        return out;
    }

    private static double[] distinct(double[] v) {
        return Arrays.stream(v).distinct().sorted().toArray();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(1);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(10);
    }

    /** A map from data to pixels along one axis. */
    private record Scale(double lo, double hi, double from, double to, boolean log) {
        static Scale log(double lo, double hi, double from, double to) {
            return new Scale(lo, hi, from, to, true);
        }

        static Scale linear(double lo, double hi, double from, double to) {
            return new Scale(lo, hi, from, to, false);
        }

        double at(double v) {
            double t = log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
            return from + t * (to - from);
        }
    }
}
