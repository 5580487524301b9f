package org.samplex.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Heat maps of a learner's matrices (docs/qstr.md section 5, Figure 2), drawn by hand: a diverging blue-white-red
 * scale centred on 0 for signed matrices such as W_Q^T W_K, a white-to-blue scale from 0 for attention weights, the
 * paper's view of |W_Q^T W_K| on a power scale, and the token's blocks (content x, own position code, pointer codes)
 * marked when the task says how wide they are.
 */
final class HeatMaps {

    /** How values become colours. */
    enum Shade {
        /** Blue below 0, red above, symmetric about 0. */
        SIGNED,
        /** White at 0 to dark blue at the largest value. */
        POSITIVE,
        /**
         * |v| on a power scale, as the paper draws Figure 2: white at 0 to dark blue at the largest |v|, the shade
         * growing as (|v| / max)^{@link #GAMMA}, so that small entries stay visible beside the diagonal.
         */
        ABS_POWER;

        /** The exponent of {@link #ABS_POWER}. */
        static final double GAMMA = 0.5;
    }

    /** A named range [from, to) of rows and columns. */
    record Block(String name, int from, int to) {
    }

    private static final Color NEGATIVE = new Color(33, 102, 172);
    private static final Color POSITIVE = new Color(178, 24, 43);
    private static final Color HIGH = new Color(8, 48, 107);
    private static final Color RULE = new Color(60, 60, 60);

    private HeatMaps() {
    }

    /**
     * The token blocks of a qstr input of width {@code width}, from the task's description in the provenance
     * (d, d_e and q); none when the description does not add up to that width.
     */
    static List<Block> tokenBlocks(Map<String, Object> task, int width) {
        if (!(task.get("d") instanceof Number d) || !(task.get("d_e") instanceof Number de)
                || !(task.get("q") instanceof Number q)
                || d.intValue() + (q.intValue() + 1) * de.intValue() != width) {
            return List.of();
        }
        int at = d.intValue();
        List<Block> blocks = new java.util.ArrayList<>();
        blocks.add(new Block("x", 0, at));
        blocks.add(new Block("E_i", at, at + de.intValue()));
        at += de.intValue();
        for (int l = 1; l <= q.intValue(); l++) {
            blocks.add(new Block(q.intValue() == 1 ? "E_t" : "E_t" + l, at, at + de.intValue()));
            at += de.intValue();
        }
        return blocks;
    }

    /**
     * Draws {@code m} (rows by columns) and writes {@code name}.png and {@code name}.svg.
     *
     * @param shade    how values become colours
     * @param blocks   blocks to rule off and label on both axes (empty: position numbers instead)
     * @param rowTitle what a row is; {@code colTitle} what a column is
     */
    static Figure draw(double[][] m, Shade shade, List<Block> blocks, String title, String rowTitle,
                       String colTitle, String name, String caption, Path dir) throws IOException {
        Layout layout = new Layout(m, shade, title);
        BufferedImage image = new BufferedImage(layout.width, layout.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, layout.width, layout.height);
        layout.paint(new Painter.Awt(g), blocks, rowTitle, colTitle);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        Files.write(dir.resolve(name + ".png"), png.toByteArray());
        Painter.Svg svg = new Painter.Svg();
        layout.paint(svg, blocks, rowTitle, colTitle);
        Files.writeString(dir.resolve(name + ".svg"), svg.document(layout.width, layout.height),
                StandardCharsets.UTF_8);
        return new Figure(name, title, caption, png.toByteArray());
    }

    /** Sizes and the colour scale of one heat map. */
    private static final class Layout {
        private static final int MARGIN = 120;
        private static final int TOP = 78;
        private final double[][] m;
        private final Shade shade;
        private final String title;
        private final int rows;
        private final int cols;
        private final double cell;
        private final double lo;
        private final double hi;
        final int width;
        final int height;
        /** The matrix's left edge: the margin, more when a long title widens the picture (centred then). */
        private final double left;

        Layout(double[][] m, Shade shade, String title) {
            this.m = m;
            this.shade = shade;
            this.title = title;
            rows = m.length;
            cols = rows == 0 ? 0 : m[0].length;
            cell = Math.max(3, Math.min(80, 480.0 / Math.max(1, Math.max(rows, cols))));
            double max = 0;
            double min = 0;
            for (double[] row : m) {
                for (double v : row) {
                    if (Double.isFinite(v)) {
                        max = Math.max(max, v);
                        min = Math.min(min, v);
                    }
                }
            }
            double abs = Math.max(Math.abs(min), Math.abs(max));
            lo = shade == Shade.SIGNED ? -abs : 0;
            hi = shade == Shade.POSITIVE ? max : abs;
            // room for the title: about 9.5 pixels a character at 16 points bold
            width = (int) Math.ceil(Math.max(MARGIN + cell * cols + 150, 9.5 * title.length() + 40));
            left = MARGIN + (width - (MARGIN + cell * cols + 150)) / 2;
            height = (int) Math.ceil(TOP + cell * rows + 64);
        }

        Color colour(double v) {
            if (!Double.isFinite(v)) {
                return Color.GRAY;
            }
            if (hi <= lo) {
                return Color.WHITE;
            }
            return switch (shade) {
                case SIGNED -> {
                    double t = Math.max(-1, Math.min(1, v / hi));
                    yield blend(Color.WHITE, t < 0 ? NEGATIVE : POSITIVE, Math.abs(t));
                }
                case POSITIVE -> blend(Color.WHITE, HIGH, Math.max(0, Math.min(1, (v - lo) / (hi - lo))));
                case ABS_POWER -> blend(Color.WHITE, HIGH, Math.pow(Math.min(1, Math.abs(v) / hi), Shade.GAMMA));
            };
        }

        private static Color blend(Color a, Color b, double t) {
            return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
        }

        void paint(Painter p, List<Block> blocks, String rowTitle, String colTitle) {
            double w = cell * cols;
            double h = cell * rows;
            p.text(width / 2.0, 28, title, 16, true, Painter.Anchor.MIDDLE, false);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    p.rect(left + j * cell, TOP + i * cell, cell, cell, colour(m[i][j]));
                }
            }
            if (!blocks.isEmpty()) {
                for (Block b : blocks) {
                    double mid = (b.from() + b.to()) / 2.0 * cell;
                    p.text(left + mid, TOP - 8, b.name(), 12, false, Painter.Anchor.MIDDLE, false);
                    p.text(left - 8, TOP + mid + 4, b.name(), 12, false, Painter.Anchor.END, false);
                    if (b.from() > 0) {
                        p.line(left + b.from() * cell, TOP, left + b.from() * cell, TOP + h, RULE, 1f);
                        p.line(left, TOP + b.from() * cell, left + w, TOP + b.from() * cell, RULE, 1f);
                    }
                }
            } else {
                int step = Math.max(1, (int) Math.ceil(Math.max(rows, cols) / 16.0));
                for (int j = 0; j < cols; j += step) {
                    p.text(left + (j + 0.5) * cell, TOP - 8, Integer.toString(j), 11, false, Painter.Anchor.MIDDLE,
                            false);
                }
                for (int i = 0; i < rows; i += step) {
                    p.text(left - 8, TOP + (i + 0.5) * cell + 4, Integer.toString(i), 11, false, Painter.Anchor.END,
                            false);
                }
            }
            p.line(left, TOP, left + w, TOP, RULE, 1f);
            p.line(left, TOP + h, left + w, TOP + h, RULE, 1f);
            p.line(left, TOP, left, TOP + h, RULE, 1f);
            p.line(left + w, TOP, left + w, TOP + h, RULE, 1f);
            p.text(left + w / 2, TOP + h + 30, colTitle, 13, false, Painter.Anchor.MIDDLE, false);
            p.text(left - 70, TOP + h / 2, rowTitle, 13, false, Painter.Anchor.MIDDLE, true);
            colourBar(p, left + w + 30, h);
        }

        private void colourBar(Painter p, double x, double h) {
            int steps = 100;
            for (int k = 0; k < steps; k++) {
                double f = 1 - (k + 0.5) / steps; // the shade, top 1 to bottom 0
                double v = shade == Shade.ABS_POWER ? hi * Math.pow(f, 1 / Shade.GAMMA) : lo + (hi - lo) * f;
                p.rect(x, TOP + h * k / steps, 18, h / steps + 0.5, colour(v));
            }
            p.line(x, TOP, x + 18, TOP, RULE, 1f);
            p.line(x, TOP + h, x + 18, TOP + h, RULE, 1f);
            p.text(x + 24, TOP + 5, Format.decimalTick(hi), 11, false, Painter.Anchor.START, false);
            // the middle of the bar: the value whose shade is half way (on the power scale, max 0.5^(1/gamma))
            double mid = shade == Shade.ABS_POWER ? hi * Math.pow(0.5, 1 / Shade.GAMMA) : (lo + hi) / 2;
            p.text(x + 24, TOP + h / 2 + 4, Format.decimalTick(mid), 11, false, Painter.Anchor.START, false);
            p.text(x + 24, TOP + h + 4, Format.decimalTick(lo), 11, false, Painter.Anchor.START, false);
        }
    }
}
