package org.samplex.experiment.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlotsTest {

    @Test
    void theNAxisEndsAtALabelledTickWhenOneIsNear() {
        assertEquals(20, Plots.axisEnd(16), 1e-9);
        assertEquals(200, Plots.axisEnd(128), 1e-9);
        assertEquals(7, Plots.axisEnd(6), 1e-9);
        assertEquals(12 * 1.12, Plots.axisEnd(12), 1e-9, "20 is too far past 12");
    }

    @Test
    void countsAreWrittenShort() {
        assertEquals("640", Format.count(640));
        assertEquals("3.2k", Format.count(3200));
        assertEquals("17k", Format.count(17_000));
        assertEquals("115.5k", Format.count(115_500));
        assertEquals("1M", Format.count(1_000_000));
        assertEquals("-", Format.count(Double.NaN));
    }
}
