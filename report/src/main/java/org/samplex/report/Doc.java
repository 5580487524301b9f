package org.samplex.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The report's text as a list of blocks, written once as Markdown (summary.md, with the plots as links to their
 * files) and once as one self-contained HTML page (report.html, with the plots inlined as base64 PNG and no
 * reference to any other file or address).
 */
final class Doc {

    private sealed interface Block permits Heading, Paragraph, Table, Items, Image {
    }

    private record Heading(int level, String text) implements Block {
    }

    private record Paragraph(String text) implements Block {
    }

    private record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    private record Items(List<String> items) implements Block {
    }

    private record Image(Figure figure) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    Doc heading(int level, String text) {
        blocks.add(new Heading(level, text));
        return this;
    }

    Doc paragraph(String text) {
        blocks.add(new Paragraph(text));
        return this;
    }

    Doc table(List<String> header, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList()));
        return this;
    }

    Doc items(List<String> items) {
        blocks.add(new Items(List.copyOf(items)));
        return this;
    }

    Doc image(Figure figure) {
        blocks.add(new Image(figure));
        return this;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case Paragraph p -> sb.append(p.text()).append("\n\n");
                case Table t -> {
                    sb.append(mdRow(t.header()));
                    sb.append("|").append("---|".repeat(t.header().size())).append('\n');
                    t.rows().forEach(r -> sb.append(mdRow(r)));
                    sb.append('\n');
                }
                case Items l -> {
                    l.items().forEach(i -> sb.append("- ").append(i).append('\n'));
                    sb.append('\n');
                }
                case Image i -> sb.append("![").append(i.figure().title()).append("](").append(i.figure().name())
                        .append(".png)\n\n").append(i.figure().caption()).append(" (Also as ")
                        .append(i.figure().name()).append(".svg.)\n\n");
            }
        }
        return sb.toString();
    }

    private static String mdRow(List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        return sb.append('\n').toString();
    }

    String html(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\n")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\n")
                .append("th{background:#f2f2f2}\nfigure{margin:1.5em 0}\nimg{max-width:100%}\n")
                .append("figcaption{font-size:0.9em;color:#444;max-width:900px}\ncode{background:#f4f4f4}\n")
                .append("</style>\n</head>\n<body>\n");
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> sb.append("<h").append(h.level()).append('>').append(inline(h.text()))
                        .append("</h").append(h.level()).append(">\n");
                case Paragraph p -> sb.append("<p>").append(inline(p.text())).append("</p>\n");
                case Table t -> {
                    sb.append("<table>\n<tr>");
                    t.header().forEach(c -> sb.append("<th>").append(inline(c)).append("</th>"));
                    sb.append("</tr>\n");
                    for (List<String> r : t.rows()) {
                        sb.append("<tr>");
                        r.forEach(c -> sb.append("<td>").append(inline(c)).append("</td>"));
                        sb.append("</tr>\n");
                    }
                    sb.append("</table>\n");
                }
                case Items l -> {
                    sb.append("<ul>\n");
                    l.items().forEach(i -> sb.append("<li>").append(inline(i)).append("</li>\n"));
                    sb.append("</ul>\n");
                }
                case Image i -> sb.append("<figure>\n<img alt=\"").append(escape(i.figure().title()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(i.figure().png())).append("\">\n<figcaption>")
                        .append(inline(i.figure().caption())).append("</figcaption>\n</figure>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    /** Escaped text with Markdown's `code` and **bold** turned into their HTML. */
    private static String inline(String text) {
        return escape(text).replaceAll("`([^`]*)`", "<code>$1</code>").replaceAll("\\*\\*([^*]*)\\*\\*",
                "<strong>$1</strong>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
