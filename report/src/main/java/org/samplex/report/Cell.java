package org.samplex.report;

import java.util.Arrays;
import java.util.List;

/**
 * The runs of one series at one N for one threshold, summarized: median n* and spread over seeds, with censored
 * runs counted at their cap (lower bounds) and diverged runs counted but given no value.
 *
 * @param observations one per seed, sorted by seed
 */
public record Cell(String series, int n, double threshold, List<Observation> observations) {

    public Cell {
        observations = List.copyOf(observations);
    }

    /** The values of the crossed and censored runs (censored at their cap), ascending. */
    public double[] values() {
        return observations.stream().filter(o -> o.outcome() != Observation.Outcome.DIVERGED)
                .mapToDouble(Observation::value).sorted().toArray();
    }

    public int seeds() {
        return observations.size();
    }

    public int censored() {
        return count(Observation.Outcome.CENSORED);
    }

    public int diverged() {
        return count(Observation.Outcome.DIVERGED);
    }

    private int count(Observation.Outcome outcome) {
        return (int) observations.stream().filter(o -> o.outcome() == outcome).count();
    }

    /** Median of {@link #values}; NaN when every run diverged. */
    public double median() {
        return Estimators.median(values());
    }

    public double min() {
        double[] v = values();
        return v.length == 0 ? Double.NaN : v[0];
    }

    public double max() {
        double[] v = values();
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /**
     * Whether a censored run is among the order statistics the median is made of: then the true median is only
     * known to be at least the one shown.
     */
    public boolean medianIsLowerBound() {
        double[] v = values();
        if (v.length == 0) {
            return false;
        }
        int hi = v.length / 2;
        int lo = (v.length - 1) / 2;
        List<Observation> sorted = observations.stream().filter(o -> o.outcome() != Observation.Outcome.DIVERGED)
                .sorted((a, b) -> Double.compare(a.value(), b.value())).toList();
        // A crossed run can tie a censored one at the cap (crossed at the last check): a tie counts as censored.
        return isCensoredAt(sorted, v[lo]) || isCensoredAt(sorted, v[hi]);
    }

    private static boolean isCensoredAt(List<Observation> sorted, double value) {
        return sorted.stream().anyMatch(o -> o.outcome() == Observation.Outcome.CENSORED && o.value() == value);
    }

    /** The largest value is a censored one: the spread's upper end is a lower bound. */
    public boolean maxIsLowerBound() {
        double[] v = values();
        return v.length > 0 && isCensoredAt(observations, v[v.length - 1]);
    }

    @Override
    public String toString() {
        return series + " N=" + n + " eps=" + threshold + " " + Arrays.toString(values());
    }
}
