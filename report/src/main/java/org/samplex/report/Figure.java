package org.samplex.report;

/**
 * One plot of the report, written as {@code name.png} and {@code name.svg}; the PNG bytes are kept for the
 * self-contained HTML.
 *
 * @param name    the file name without extension
 * @param title   a heading
 * @param caption what is drawn and how to read it
 * @param png     the PNG image
 */
public record Figure(String name, String title, String caption, byte[] png) {
}
