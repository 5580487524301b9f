package org.samplex.report;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The few estimators the report needs, written out so that their definitions are on the page: medians and
 * quantiles, the least-squares line, and a percentile bootstrap of the slope of log n* on log N.
 */
public final class Estimators {

    /** Resamples of the bootstrap. */
    public static final int RESAMPLES = 2000;

    private Estimators() {
    }

    /** A fitted line y = intercept + slope x. */
    public record Line(double slope, double intercept) {
        public double at(double x) {
            return intercept + slope * x;
        }
    }

    /** A two-sided interval [lo, hi]. */
    public record Interval(double lo, double hi) {
        public boolean contains(double v) {
            return lo <= v && v <= hi;
        }
    }

    /** The median: the middle value, or the mean of the two middle values; NaN for no values. */
    public static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /**
     * The p-quantile by linear interpolation between order statistics (R's and NumPy's default, "type 7"): with
     * the values sorted x_0 <= ... <= x_{n-1} and h = (n - 1) p, x_floor(h) + (h - floor(h)) (x_ceil(h) - x_floor(h)).
     */
    public static double quantile(double[] values, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile p must be in [0, 1], got " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] x = values.clone();
        Arrays.sort(x);
        double h = (x.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return x[lo] + (h - lo) * (x[hi] - x[lo]);
    }

    /**
     * Ordinary least squares of y on x with an intercept.
     *
     * @throws IllegalArgumentException for fewer than two points or x all equal (no slope is defined)
     */
    public static Line leastSquares(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length: " + x.length + " and " + y.length);
        }
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (n < 2 || !(sxx > 0)) {
            throw new IllegalArgumentException("a line needs at least two distinct x values");
        }
        double slope = sxy / sxx;
        return new Line(slope, my - slope * mx);
    }

    /**
     * The line of log(median of the values at each N) on log N: the report's slope, fitted to one point per N.
     *
     * @param n      the distinct N, at least two
     * @param values the values (n*, censored ones at their cap) at each N, each list non-empty
     */
    public static Line logLogMedianFit(double[] n, List<double[]> values) {
        double[] x = new double[n.length];
        double[] y = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            x[i] = Math.log(n[i]);
            y[i] = Math.log(median(values.get(i)));
        }
        return leastSquares(x, y);
    }

    /**
     * A 95% percentile bootstrap interval of {@link #logLogMedianFit}'s slope over repetitions: each of
     * {@code resamples} resamples draws, at every N independently, as many values as there are with replacement
     * from that N's values, and refits; the interval is the 2.5% and 97.5% quantiles of the refitted slopes.
     * The same seed gives the same interval.
     */
    public static Interval bootstrapSlope(double[] n, List<double[]> values, int resamples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] slopes = new double[resamples];
        List<double[]> drawn = values.stream().map(v -> new double[v.length]).toList();
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n.length; i++) {
                double[] from = values.get(i);
                double[] to = drawn.get(i);
                for (int k = 0; k < to.length; k++) {
                    to[k] = from[random.nextInt(from.length)];
                }
            }
            slopes[r] = logLogMedianFit(n, drawn).slope();
        }
        return new Interval(quantile(slopes, 0.025), quantile(slopes, 0.975));
    }
}
