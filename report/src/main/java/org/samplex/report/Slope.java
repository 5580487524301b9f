package org.samplex.report;

import java.util.List;

/**
 * The slope of log n* on log N for one series and threshold: least squares through the per-N medians, with a
 * 95% percentile bootstrap interval over seeds ({@link Estimators#bootstrapSlope}).
 *
 * @param series   the series
 * @param threshold the threshold
 * @param ns       the N that had at least one value, ascending
 * @param fit      the fitted line in log-log coordinates; null when fewer than two N had values
 * @param interval the bootstrap interval; null with {@code fit}
 * @param censored runs counted at their cap; when positive the slope is affected by lower bounds (censoring at
 *                 the largest N pulls it down, at the smallest N up) and is marked so
 * @param diverged runs left out of the fit because they diverged before crossing
 */
public record Slope(String series, double threshold, List<Integer> ns, Estimators.Line fit,
                    Estimators.Interval interval, int censored, int diverged) {

    public Slope {
        ns = List.copyOf(ns);
    }

    public boolean defined() {
        return fit != null;
    }

    public boolean lowerBoundAffected() {
        return censored > 0;
    }
}
