package org.samplex.models.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.testkit.Fixtures.PAPER;
import static org.samplex.testkit.Fixtures.TINY;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Parameters;
import org.samplex.testkit.Fixtures;
import org.samplex.testkit.conformance.LearnerChecks;

/** Parameter layout, sizes, initialization, seeding and config validation of the recurrent learners. */
class RecurrentSetupTest {

    @Test
    void gruDefaultsFollowThePaperWithPyTorchNames() {
        LearnerProvider gru = RnnTesting.provider("gru");
        try (Backend be = Fixtures.open("reference");
             Learner m = gru.create(PAPER, gru.schema().defaults(), be, 1)) {
            Parameters p = m.parameters();
            assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                    "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                    "readout.weight", "readout.bias"), p.names());
            for (String s : new String[] {"", "_reverse"}) {
                assertArrayEquals(new int[] {1500, 30}, p.slot("weight_ih_l0" + s).shape());
                assertArrayEquals(new int[] {1500, 500}, p.slot("weight_hh_l0" + s).shape());
                assertArrayEquals(new int[] {1500}, p.slot("bias_ih_l0" + s).shape());
                assertArrayEquals(new int[] {1500}, p.slot("bias_hh_l0" + s).shape());
            }
            assertArrayEquals(new int[] {1, 1000}, p.slot("readout.weight").shape());
            assertArrayEquals(new int[] {1}, p.slot("readout.bias").shape());
        }
    }

    @Test
    void hiddenDefaultGrowsWithPointers() {
        LearnerProvider gru = RnnTesting.provider("gru");
        try (Backend be = Fixtures.open("cpu");
             Learner m = gru.create(new TaskShape(8, 50, 10, 2), gru.schema().defaults(), be, 1)) {
            assertArrayEquals(new int[] {3000, 1000}, m.parameters().slot("weight_hh_l0_reverse").shape());
            assertArrayEquals(new int[] {1, 2000}, m.parameters().slot("readout.weight").shape());
        }
        assertEquals(7, RnnConfig.from(gru.schema().validate(Map.of("hidden", 7)), new TaskShape(8, 50, 10, 2))
                .hidden(), "an explicit hidden width overrides 500*q");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "lstm", "tanh"})
    void gateBlocksAndDirectionsSizeTheWeights(String variant) {
        int gates = switch (variant) {
            case "gru" -> 3;
            case "lstm" -> 4;
            default -> 1;
        };
        try (Backend be = Fixtures.open("reference");
             Learner m = RnnTesting.provider(variant).create(TINY, RnnTesting.config(variant, 5, false), be, 1)) {
            Parameters p = m.parameters();
            assertArrayEquals(new int[] {gates * 5, 4}, p.slot("weight_ih_l0").shape());
            assertArrayEquals(new int[] {gates * 5, 5}, p.slot("weight_hh_l0").shape());
            assertArrayEquals(new int[] {1, 5}, p.slot("readout.weight").shape());
            assertTrue(p.names().stream().noneMatch(n -> n.endsWith("_reverse")), p.names().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "lstm", "relu"})
    void initializationIsUniformWithPyTorchBounds(String variant) {
        int hidden = 7;
        try (Backend be = Fixtures.open("reference");
             Learner m = RnnTesting.provider(variant).create(TINY, RnnTesting.config(variant, hidden, true), be, 3)) {
            Parameters p = m.parameters();
            double[] w = p.valuesToHost();
            double recurrentBound = 1 / Math.sqrt(hidden);
            double lowest = 0;
            double highest = 0;
            for (String name : p.names()) {
                boolean readout = name.startsWith("readout.");
                double bound = readout ? 1 / Math.sqrt(2 * hidden) : recurrentBound;
                Parameters.Slot s = p.slot(name);
                double max = 0;
                for (long i = s.offset(); i < s.offset() + s.size(); i++) {
                    double v = w[(int) i];
                    assertTrue(Math.abs(v) <= bound, name + "[" + i + "] = " + v + " outside +-" + bound);
                    max = Math.max(max, Math.abs(v));
                    if (!readout) {
                        lowest = Math.min(lowest, v);
                        highest = Math.max(highest, v);
                    }
                }
                assertTrue(max > 0, name + " is not initialized");
            }
            // the recurrent tensors hold over 100 draws together: their range fills +-1/sqrt(h)
            assertTrue(lowest < -0.95 * recurrentBound && highest > 0.95 * recurrentBound,
                    "recurrent range [" + lowest + ", " + highest + "] vs +-" + recurrentBound);
            long fwd = p.slot("weight_hh_l0").offset();
            long bwd = p.slot("weight_hh_l0_reverse").offset();
            assertTrue(w[(int) fwd] != w[(int) bwd], "the two directions draw their own weights");
        }
    }

    @Test
    void sameSeedGivesIdenticalParameters() {
        LearnerProvider gru = RnnTesting.provider("gru");
        var config = RnnTesting.config("gru", 6, true);
        try (Backend be = Fixtures.open("cpu"); Learner a = gru.create(TINY, config, be, 9);
             Learner b = gru.create(TINY, config, be, 9); Learner c = gru.create(TINY, config, be, 10)) {
            assertArrayEquals(a.parameters().valuesToHost(), b.parameters().valuesToHost());
            assertTrue(a.parameters().valuesToHost()[0] != c.parameters().valuesToHost()[0]);
        }
    }

    @Test
    void badValuesAreRejectedByName() {
        LearnerProvider rnn = RnnTesting.provider("relu");
        for (Object hidden : new Object[] {0, 100_001, "wide"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> rnn.schema().validate(Map.of("hidden", hidden)));
            assertTrue(e.getMessage().contains("'hidden'"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> rnn.schema().validate(Map.of("nonlinearity", "sigmoid")));
        assertTrue(e.getMessage().contains("'nonlinearity'") && e.getMessage().contains("relu"), e.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> RnnTesting.provider("gru").schema().validate(Map.of("nonlinearity", "relu")));
        assertTrue(unknown.getMessage().contains("'nonlinearity'"), unknown.getMessage());
        assertEquals("tanh", rnn.schema().defaults().getChoice("nonlinearity"), "PyTorch's default");
        assertTrue(rnn.schema().defaults().getBoolean("bidirectional"));
        assertTrue(!rnn.schema().defaults().has("hidden"), "hidden is derived from q when not given");
    }

    @Test
    void allFiveLearnersAreDiscoveredFromThisModule() {
        var found = Services.discover().learners().stream()
                .filter(f -> "org.samplex.models.rnn".equals(f.module())).map(Services.Found::name).sorted().toList();
        assertEquals(List.of("gru", "lstm", "mamba", "mingru", "rnn"), found);
    }

    @Test
    void aFailedInitializationClosesTheParameters() {
        var seen = LearnerChecks.failedInitialization(RnnTesting.provider("gru"), TINY,
                RnnTesting.config("gru", 5, true));
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, seen.thrown());
        assertEquals("fill refused", e.getMessage());
        assertTrue(seen.allocated() > 0);
        assertEquals(0, seen.unclosed(), "every slab allocated is closed");
    }
}
