package org.samplex.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlotsTest {

    @Test
    void logAxesAreTickedAtOneTwoFiveSteps() {
        assertEquals(List.of(2.0, 5.0, 10.0), LogChart.logTicks(1.8, 13.4, new double[] {2, 4, 6, 8, 10, 12}));
        assertEquals(List.of(2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0, 200_000.0),
                LogChart.logTicks(1500, 330_000, new double[] {1900, 262_000}));
    }

    @Test
    void aShortLogRangeIsTickedAtItsDataToo() {
        // 25..33 holds no 1-2-5 value but 30 is not one either: the data's N are labelled
        assertEquals(List.of(25.0, 27.0, 29.0, 31.0, 33.0),
                LogChart.logTicks(22, 37, new double[] {25, 27, 29, 31, 33}));
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
