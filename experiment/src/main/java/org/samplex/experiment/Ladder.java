package org.samplex.experiment;

import java.util.ArrayList;
import java.util.List;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;

/**
 * One run's checks against its ladder of thresholds (docs/qstr.md section 4): the curve, the first crossing of
 * each threshold (n*, with {@code confirm-checks} K the first check of the first K in a row below it) and the
 * status. Shared by a run alone ({@link OnlineProtocol}) and a run in a pack ({@link PackedProtocol}), so both
 * read their checks the same way.
 */
final class Ladder {
    private final RunSpec spec;
    private final List<Double> thresholds;
    private final Long[] nStar;
    /** Checks needed in a row below a threshold, and per threshold the current run and its first prompts. */
    private final int confirm;
    private final int[] streak;
    private final long[] firstBelow;
    private final List<CurvePoint> curve = new ArrayList<>();
    private int crossed;
    private Status status = Status.CENSORED;

    Ladder(RunSpec spec) {
        this.spec = spec;
        this.thresholds = spec.thresholds();
        this.nStar = new Long[thresholds.size()];
        this.confirm = spec.get(Settings.CONFIRM_CHECKS);
        this.streak = new int[thresholds.size()];
        this.firstBelow = new long[thresholds.size()];
    }

    /** Records a check; true when the run is over (diverged, or every threshold crossed). */
    boolean check(CurvePoint p) {
        curve.add(p);
        if (!Double.isFinite(p.trainLoss()) || !Double.isFinite(p.testMse())) {
            status = Status.DIVERGED;
            return true;
        }
        // Threshold i is crossed at the first of K = confirm-checks consecutive checks below it. The ladder is
        // descending, so a check below a threshold is below every higher one: a threshold's run of checks is
        // never longer than a higher one's, and the thresholds crossed so far are always a prefix of it.
        for (int i = crossed; i < thresholds.size(); i++) {
            if (p.testMse() < thresholds.get(i)) {
                if (streak[i]++ == 0) {
                    firstBelow[i] = p.promptsSeen();
                }
            } else {
                streak[i] = 0;
            }
        }
        while (crossed < thresholds.size() && streak[crossed] >= confirm) {
            nStar[crossed] = firstBelow[crossed];
            crossed++;
        }
        if (crossed == thresholds.size()) {
            status = Status.COMPLETED;
            return !spec.trainsToRule();
        }
        return false;
    }

    /** Censored until every threshold is crossed or a check diverges. */
    Status status() {
        return status;
    }

    List<CurvePoint> curve() {
        return curve;
    }

    List<RunRecord.Crossing> crossings() {
        List<RunRecord.Crossing> out = new ArrayList<>();
        for (int i = 0; i < thresholds.size(); i++) {
            out.add(new RunRecord.Crossing(thresholds.get(i), nStar[i]));
        }
        return out;
    }
}
