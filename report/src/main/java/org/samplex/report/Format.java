package org.samplex.report;

import java.util.Locale;
import org.samplex.experiment.Json;

/** How the report writes numbers: thresholds as typed, counts short (12.3k), slopes with two decimals. */
final class Format {
    private Format() {
    }

    /** A threshold as the shortest decimal that reads back (0.7, 0.02, 1e-7). */
    static String threshold(double t) {
        return Json.number(t);
    }

    /** A count of prompts, short, as the spec writes the paper's: 640, 3.25k, 17k, 115.5k, 1.2M. */
    static String count(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a < 1000) {
            return trim(String.format(Locale.ROOT, a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f", v));
        }
        if (a < 1e6) {
            return trim(String.format(Locale.ROOT, a < 1e4 ? "%.2f" : "%.1f", v / 1e3)) + "k";
        }
        return trim(String.format(Locale.ROOT, a < 1e7 ? "%.2f" : a < 1e8 ? "%.1f" : "%.0f", v / 1e6)) + "M";
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A colour-bar label: up to three significant digits. */
    static String decimalTick(double y) {
        return trim(String.format(Locale.ROOT, "%.3g", y));
    }

    static String decimal(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "-";
    }

    /** "0.71 [0.52, 0.93]", or "n/a" when undefined. */
    static String slope(Slope s) {
        if (!s.defined()) {
            return "n/a";
        }
        return decimal(s.fit().slope(), 2) + " [" + decimal(s.interval().lo(), 2) + ", "
                + decimal(s.interval().hi(), 2) + "]";
    }
}
