package org.samplex.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.util.Locale;

/**
 * The few drawing operations the hand-drawn figures need (heat maps, {@link LogChart}), so that one layout draws
 * both the PNG (through java.awt) and the SVG (written as text). Coordinates in pixels, y down.
 */
interface Painter {

    /** Where a text's anchor point is: at its start, middle or end. */
    enum Anchor { START, MIDDLE, END }

    /** A point marker's shape. */
    enum Mark { CIRCLE, DIAMOND, TRIANGLE }

    void rect(double x, double y, double w, double h, Color fill);

    void line(double x1, double y1, double x2, double y2, Color colour, float width);

    /** A line of dashes 6 pixels long with gaps of 4. */
    void dashed(double x1, double y1, double x2, double y2, Color colour, float width);

    /** A marker of {@code size} pixels across centred at (x, y): filled, or drawn as an outline (hollow). */
    void mark(Mark mark, double x, double y, double size, Color colour, boolean filled);

    /** The outline of a marker, as a closed path. */
    static Path2D outline(Mark mark, double x, double y, double size) {
        double r = size / 2;
        Path2D p = new Path2D.Double();
        switch (mark) {
            case CIRCLE -> p.append(new Ellipse2D.Double(x - r, y - r, size, size), false);
            case DIAMOND -> {
                p.moveTo(x, y - r);
                p.lineTo(x + r, y);
                p.lineTo(x, y + r);
                p.lineTo(x - r, y);
                p.closePath();
            }
            case TRIANGLE -> {
                p.moveTo(x, y - r);
                p.lineTo(x + r, y + r);
                p.lineTo(x - r, y + r);
                p.closePath();
            }
        }
        return p;
    }

    /** Text whose baseline passes through (x, y); {@code vertical} turns it to read bottom to top. */
    void text(double x, double y, String s, float size, boolean bold, Anchor anchor, boolean vertical);

    /** Draws onto a Graphics2D (of a BufferedImage). */
    final class Awt implements Painter {
        private final Graphics2D g;

        Awt(Graphics2D g) {
            this.g = g;
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        }

        @Override
        public void rect(double x, double y, double w, double h, Color fill) {
            g.setColor(fill);
            // integer edges, so that neighbouring cells leave no hairline gaps
            int x0 = (int) Math.round(x);
            int y0 = (int) Math.round(y);
            g.fillRect(x0, y0, (int) Math.round(x + w) - x0, (int) Math.round(y + h) - y0);
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, Color colour, float width) {
            g.setColor(colour);
            g.setStroke(new BasicStroke(width));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void dashed(double x1, double y1, double x2, double y2, Color colour, float width) {
            g.setColor(colour);
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void mark(Mark mark, double x, double y, double size, Color colour, boolean filled) {
            g.setColor(colour);
            Path2D p = Painter.outline(mark, x, y, size);
            if (filled) {
                g.fill(p);
            } else {
                g.setStroke(new BasicStroke(1.6f));
                g.draw(p);
            }
        }

        @Override
        public void text(double x, double y, String s, float size, boolean bold, Anchor anchor, boolean vertical) {
            g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, Math.round(size)));
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            double w = fm.stringWidth(s);
            double shift = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
            AffineTransform saved = g.getTransform();
            g.translate(x, y);
            if (vertical) {
                g.rotate(-Math.PI / 2);
            }
            g.drawString(s, (float) shift, 0f);
            g.setTransform(saved);
        }
    }

    /** Writes SVG elements into a buffer; {@link #document} wraps them. */
    final class Svg implements Painter {
        private final StringBuilder body = new StringBuilder();

        @Override
        public void rect(double x, double y, double w, double h, Color fill) {
            body.append(String.format(Locale.ROOT,
                    "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>%n", x, y, w, h,
                    hex(fill)));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, Color colour, float width) {
            body.append(String.format(Locale.ROOT,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                    x1, y1, x2, y2, hex(colour), width));
        }

        @Override
        public void dashed(double x1, double y1, double x2, double y2, Color colour, float width) {
            body.append(String.format(Locale.ROOT,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\" "
                            + "stroke-dasharray=\"6 4\"/>%n", x1, y1, x2, y2, hex(colour), width));
        }

        @Override
        public void mark(Mark mark, double x, double y, double size, Color colour, boolean filled) {
            StringBuilder d = new StringBuilder();
            double[] c = new double[6];
            for (PathIterator it = Painter.outline(mark, x, y, size).getPathIterator(null, 0.25); !it.isDone();
                 it.next()) {
                int type = it.currentSegment(c);
                d.append(type == PathIterator.SEG_MOVETO ? "M" : type == PathIterator.SEG_CLOSE ? "Z" : "L");
                if (type != PathIterator.SEG_CLOSE) {
                    d.append(String.format(Locale.ROOT, "%.2f %.2f ", c[0], c[1]));
                }
            }
            String paint = filled ? "fill=\"" + hex(colour) + "\"" + opacity(colour)
                    : "fill=\"none\" stroke=\"" + hex(colour) + "\" stroke-width=\"1.6\"";
            body.append("<path d=\"").append(d.toString().strip()).append("\" ").append(paint).append("/>\n");
        }

        private static String opacity(Color c) {
            return c.getAlpha() == 255 ? ""
                    : String.format(Locale.ROOT, " fill-opacity=\"%.2f\"", c.getAlpha() / 255.0);
        }

        @Override
        public void text(double x, double y, String s, float size, boolean bold, Anchor anchor, boolean vertical) {
            String a = switch (anchor) {
                case START -> "start";
                case MIDDLE -> "middle";
                case END -> "end";
            };
            String rotate = vertical ? String.format(Locale.ROOT, " transform=\"rotate(-90 %.2f %.2f)\"", x, y) : "";
            body.append(String.format(Locale.ROOT,
                    "<text x=\"%.2f\" y=\"%.2f\" font-family=\"sans-serif\" font-size=\"%.1f\"%s text-anchor=\"%s\""
                            + "%s>%s</text>%n", x, y, size, bold ? " font-weight=\"bold\"" : "", a, rotate,
                    escape(s)));
        }

        String document(int width, int height) {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                    + "\" viewBox=\"0 0 " + width + " " + height + "\">\n"
                    + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n" + body + "</svg>\n";
        }

        private static String hex(Color c) {
            return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
