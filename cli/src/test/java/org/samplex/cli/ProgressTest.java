package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.RunRecord.CurvePoint;

class ProgressTest {

    private static CurvePoint point(long prompts, double mse) {
        return new CurvePoint(prompts / 64, prompts, mse, 2 * mse);
    }

    @Test
    void notOnATerminalItPrintsPlainLinesAtMostEveryInterval() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), false, 10, false);
        p.backendChosen("backend auto -> cpu");
        p.checked(point(640, 0.91), 1.0);
        p.checked(point(1280, 0.85), 5.0);
        p.checked(point(1920, 0.80), 11.5);
        p.finish();
        String[] lines = sw.toString().split("\n");
        assertEquals(2, lines.length, sw.toString());
        assertTrue(lines[0].contains("prompts 640") && lines[0].contains("0.9100"), lines[0]);
        assertTrue(lines[1].contains("prompts 1,920") && lines[1].contains("11.5 s"), lines[1]);
        assertFalse(sw.toString().contains("\r"));
        assertFalse(sw.toString().contains("backend"), "announced only when asked (for --backend auto)");
    }

    @Test
    void onATerminalItRewritesOneLineAndEndsItWhenDone() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), true, 10, true);
        p.backendChosen("backend auto -> cpu (cuda unavailable: no driver)");
        p.checked(point(64_000, 0.5), 1.0);
        p.checked(point(128_000, 0.25), 1.5);
        p.finish();
        String s = sw.toString();
        assertTrue(s.startsWith("samplex: backend auto -> cpu (cuda unavailable: no driver)\n"), s);
        assertEquals(2, s.chars().filter(c -> c == '\r').count(), s);
        assertTrue(s.contains("prompts 128,000") && s.endsWith("\n"), s);
        assertEquals(2, s.chars().filter(c -> c == '\n').count(), "the announcement and one progress line: " + s);
    }
}
