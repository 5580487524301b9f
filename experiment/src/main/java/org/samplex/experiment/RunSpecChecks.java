package org.samplex.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The checks of {@link RunSpec}'s components: each throws {@link IllegalArgumentException} naming the option as
 * the cli spells it and what it accepts.
 */
final class RunSpecChecks {

    private RunSpecChecks() {
    }

    /**
     * Thresholds below the task's label variance ({@code Task.labelVariance}; not checked when it is NaN): at or
     * above it a learner that learned nothing (predicting the mean) crosses it, so n* would only be the first
     * check.
     */
    static void belowLabelVariance(List<Double> thresholds, double variance, String task) {
        if (Double.isNaN(variance)) {
            return;
        }
        for (double t : thresholds) {
            if (t >= variance) {
                throw new IllegalArgumentException("threshold " + Json.number(t) + " is at or above the label "
                        + "variance of task " + task + " (" + Json.number(variance) + "): predicting the mean "
                        + "already has that test MSE, so n* would be the first check; give thresholds below "
                        + Json.number(variance) + " (the paper: 0.7 of 1 for linear links)");
            }
        }
    }

    /** A name that is not blank. */
    static String name(String what, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("option '" + what + "' needs a name, got '" + v + "'");
        }
        return v;
    }

    /** An unmodifiable copy of the options (none for null); a blank key or a null value is an error. */
    static Map<String, Object> options(String what, Map<String, Object> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (given != null) {
            for (Map.Entry<String, Object> e : given.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                    throw new IllegalArgumentException("option '" + what + "' needs KEY=VALUE with both parts, got '"
                            + e.getKey() + "=" + e.getValue() + "'");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** That {@code v} is an integer in [lo, hi]. */
    static void checkInt(String option, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw bad(option, "an integer in [" + lo + ", " + hi + "]", v);
        }
    }

    /** The thresholds sorted descending without repeats; there must be one at least, each finite and > 0. */
    static List<Double> ladder(List<Double> given) {
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("option 'thresholds' needs at least one threshold (a test MSE > 0)");
        }
        TreeSet<Double> sorted = new TreeSet<>(Collections.reverseOrder());
        for (Double t : given) {
            if (t == null || !(t > 0) || !Double.isFinite(t)) {
                throw bad("thresholds", "test MSEs, each a finite number > 0", t);
            }
            sorted.add(t);
        }
        return List.copyOf(new ArrayList<>(sorted));
    }

    /** The error of an option whose value is not what it accepts. */
    static IllegalArgumentException bad(String option, String accepted, Object got) {
        return new IllegalArgumentException("option '" + option + "' must be " + accepted + ", got " + got);
    }
}
