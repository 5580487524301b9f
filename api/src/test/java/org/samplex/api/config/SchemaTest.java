package org.samplex.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {
    private final Schema schema = Schema.of("learner 'demo'",
            Hyperparameter.integer("heads", 1, 1, 64, "attention heads"),
            Hyperparameter.real("lr", 1e-3, 1e-8, 1.0, "learning rate"),
            Hyperparameter.bool("split", false, "split heads"),
            Hyperparameter.choice("cell", "gru", List.of("gru", "lstm", "rnn"), "recurrent cell"),
            Hyperparameter.integer("hidden", null, 1, 100_000, "hidden size (derived from q when absent)"));

    @Test
    void defaultsFillInAndStringsAreParsed() {
        Config c = schema.validate(Map.of("heads", "4", "lr", "0.01", "split", "yes", "cell", "lstm"));
        assertEquals(4, c.getInt("heads"));
        assertEquals(0.01, c.getReal("lr"));
        assertTrue(c.getBoolean("split"));
        assertEquals("lstm", c.getChoice("cell"));
        assertFalse(c.has("hidden"));
        Config d = schema.defaults();
        assertEquals(1, d.getInt("heads"));
        assertEquals(List.of("heads", "lr", "split", "cell"), List.copyOf(d.values().keySet()));
    }

    @Test
    void outOfRangeValueNamesParameterAndRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("heads", 0)));
        assertEquals("learner 'demo': parameter 'heads' must be an integer in [1, 64], got '0'", e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("lr", "fast")));
        assertTrue(f.getMessage().contains("'lr' must be a number in [1.0E-8, 1]"), f.getMessage());
        var g = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("cell", "transformer")));
        assertTrue(g.getMessage().contains("one of gru, lstm, rnn"), g.getMessage());
        var h = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("split", "maybe")));
        assertTrue(h.getMessage().contains("true or false"), h.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("lr", "NaN")));
        assertTrue(nan.getMessage().contains("'lr'"), nan.getMessage());
    }

    @Test
    void unknownParameterListsTheAcceptedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> schema.validate(Map.of("layers", 2)));
        assertEquals("unknown parameter 'layers' for learner 'demo'; accepted: heads, lr, split, cell, hidden",
                e.getMessage());
    }

    @Test
    void badDeclarationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Schema.of("x",
                Hyperparameter.bool("a", true, ""), Hyperparameter.bool("a", false, "")));
        assertThrows(IllegalArgumentException.class, () -> Hyperparameter.integer("n", 0, 1, 10, "default out of range"));
    }
}
