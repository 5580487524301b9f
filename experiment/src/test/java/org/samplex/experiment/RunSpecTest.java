package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RunSpecTest {

    private static RunSpecBuilder base() {
        return RunSpec.builder("transformer", "qstr").thresholds(0.7);
    }

    @Test
    void defaultsAreThePapers() {
        RunSpec s = base().build();
        assertEquals(64, s.batch());
        assertEquals(1e-3, s.learningRate());
        assertEquals(0.1, s.weightDecay());
        assertEquals(0.9, s.beta1());
        assertEquals(0.999, s.beta2());
        assertEquals(1e-8, s.eps());
        assertNull(s.checkEvery());
        assertEquals(10_000, s.testSize());
        assertEquals(1_000_000, s.cap());
        assertEquals(15_625, s.maxSteps());
        assertEquals(0, s.taskSeed());
        assertEquals(0, s.seed());
        assertEquals("auto", s.backend());
        assertEquals(0, s.threads());
        assertEquals(s.adamW(), new org.samplex.api.learn.AdamWConfig(1e-3, 0.9, 0.999, 1e-8, 0.1));
    }

    @Test
    void theLadderIsSortedDescendingWithoutRepeats() {
        assertEquals(List.of(0.9, 0.7, 0.02), base().thresholds(0.02, 0.9, 0.7, 0.9).build().thresholds());
    }

    private static void rejects(String option, UnaryOperator<RunSpecBuilder> change) {
        var e = assertThrows(IllegalArgumentException.class, () -> change.apply(base()).build(), option);
        assertTrue(e.getMessage().contains("'" + option + "'"), e.getMessage());
    }

    @Test
    void everyBadValueIsRejectedNamingTheOption() {
        rejects("batch", b -> b.batch(0));
        rejects("lr", b -> b.learningRate(0));
        rejects("lr", b -> b.learningRate(1e5));
        rejects("lr", b -> b.learningRate(Double.NaN));
        rejects("weight-decay", b -> b.weightDecay(-0.1));
        rejects("beta1", b -> b.betas(1, 0.999));
        rejects("beta2", b -> b.betas(0.9, -1));
        rejects("eps", b -> b.eps(0));
        rejects("check-every", b -> b.checkEvery(0));
        rejects("test-size", b -> b.testSize(0));
        rejects("cap", b -> b.cap(63));
        rejects("thresholds", b -> b.thresholds(0.0));
        rejects("thresholds", b -> b.thresholds(-0.5));
        rejects("thresholds", b -> b.thresholds(Double.POSITIVE_INFINITY));
        rejects("thresholds", b -> b.thresholds(List.of()));
        rejects("threads", b -> b.threads(-1));
        rejects("learner", b -> b.learner(" "));
        rejects("task", b -> b.task(null));
        rejects("backend", b -> b.backend(""));
        var range = assertThrows(IllegalArgumentException.class, () -> base().batch(-3).build());
        assertTrue(range.getMessage().contains("[1, 1048576]") && range.getMessage().contains("-3"),
                range.getMessage());
    }

    @Test
    void theCanonicalJsonIdentifiesTheSpec() {
        RunSpec a = base().learnerOption("heads", 2).learnerOption("mlp-width", 100).build();
        RunSpec b = base().learnerOption("mlp-width", 100).learnerOption("heads", 2).build();
        assertEquals(Json.canonical(a.toMap()), Json.canonical(b.toMap()), "option order does not matter");
        assertEquals(a, b);
        RunSpec c = a.toBuilder().seed(1).build();
        assertTrue(!Json.canonical(a.toMap()).equals(Json.canonical(c.toMap())));
        assertEquals(a, a.toBuilder().build());
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) Json.parse(Json.canonical(a.toMap()));
        assertEquals(List.of(0.7), back.get("thresholds"));
        assertEquals(Map.of("heads", 2L, "mlp-width", 100L), back.get("learner_options"));
    }
}
