package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.experiment.Fixtures.AFFINE;
import static org.samplex.experiment.Fixtures.TOY;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samplex.api.learn.Batch;

/** The training session every loop drives: its steps are the protocol's, and it owns what it allocates. */
class TrainingSessionTest {
    @RegisterExtension
    static final Fixtures FIXTURES = new Fixtures();

    private static RunSpec spec() {
        return RunSpec.builder("affine", "toy").batch(16).checkEvery(5).testSize(300).learningRate(0.05)
                .weightDecay(0).cap(16 * 20).thresholds(1e-30).backend("reference").threads(1).build();
    }

    @Test
    void aSessionsStepsAndChecksAreTheProtocolsCurve() {
        RunRecord run = FIXTURES.run(spec());
        List<Double> mses = new ArrayList<>();
        try (TrainingSession s = TrainingSession.open(spec(), AFFINE, TOY, FIXTURES.reference())) {
            while (s.steps() < run.steps()) {
                s.step();
                if (s.steps() % 5 == 0) {
                    mses.add(s.testMse());
                }
            }
            assertEquals(run.promptsSeen(), s.promptsSeen());
        }
        assertEquals(run.curve().stream().map(RunRecord.CurvePoint::testMse).toList(), mses,
                "the protocol's checks, bit for bit");
    }

    @Test
    void closingASessionReleasesEveryBufferItAllocated() {
        long before = FIXTURES.reference().liveBuffers();
        try (TrainingSession s = TrainingSession.open(spec(), AFFINE, TOY, FIXTURES.reference())) {
            s.steps(3);
            List<Batch> extra = s.testSet(50);
            assertEquals(1, extra.size());
            s.testMse(extra);
            assertTrue(FIXTURES.reference().liveBuffers() > before, "the session holds its learner and arenas");
        }
        assertEquals(before, FIXTURES.reference().liveBuffers());
    }

    @Test
    void badOptionsFailBeforeAnythingIsAllocated() {
        long before = FIXTURES.reference().liveBuffers();
        RunSpec bad = spec().toBuilder().learnerOption("no-such-option", 1).build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSession.open(bad, AFFINE, TOY, FIXTURES.reference()));
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
        assertEquals(before, FIXTURES.reference().liveBuffers());
    }
}
