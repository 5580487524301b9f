package org.samplex.experiment.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.util.Locale;

/**
 * The few drawing operations a heat map needs, so that one layout draws both the PNG (through java.awt) and the
 * SVG (written as text). Coordinates in pixels, y down.
 */
interface Painter {

    /** Where a text's anchor point is: at its start, middle or end. */
    enum Anchor { START, MIDDLE, END }

    void rect(double x, double y, double w, double h, Color fill);

    void line(double x1, double y1, double x2, double y2, Color colour, float width);

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
