package org.samplex.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord.CurvePoint;

/**
 * The progress line of a run on stderr: one line rewritten in place (carriage return) on a terminal, otherwise a
 * plain line at most every {@code intervalSeconds} so logs stay short. Stdout is left alone for --json.
 */
final class Progress implements ProgressListener {

    /** Seconds between plain progress lines when stderr is not a terminal. */
    static final double PLAIN_INTERVAL_SECONDS = 10;

    private final PrintWriter err;
    private final boolean terminal;
    private final double intervalSeconds;
    private final boolean announceBackend;
    private double lastPrinted = Double.NEGATIVE_INFINITY;
    private int shownWidth;

    /**
     * @param announceBackend whether to say which backend was chosen and why (for {@code --backend auto})
     */
    Progress(PrintWriter err, boolean terminal, double intervalSeconds, boolean announceBackend) {
        this.err = err;
        this.terminal = terminal;
        this.intervalSeconds = intervalSeconds;
        this.announceBackend = announceBackend;
    }

    /**
     * Whether progress may be drawn in place: the JVM has an interactive console. Java cannot ask about stderr
     * alone, so a redirected stdin or stdout also means plain lines.
     */
    static boolean stderrIsTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void backendChosen(String explanation) {
        if (announceBackend) {
            err.println("samplex: " + explanation);
            err.flush();
        }
    }

    @Override
    public void checked(CurvePoint point, double elapsedSeconds) {
        String line = String.format(Locale.ROOT, "prompts %,d  test MSE %.4g  train loss %.4g  %.1f s",
                point.promptsSeen(), point.testMse(), point.trainLoss(), elapsedSeconds);
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
            shownWidth = line.length();
            err.flush();
        } else if (elapsedSeconds - lastPrinted >= intervalSeconds) {
            err.println(line);
            err.flush();
            lastPrinted = elapsedSeconds;
        }
    }

    /** Ends the line drawn in place, so what follows starts on a fresh line. */
    void finish() {
        if (terminal && shownWidth > 0) {
            err.println();
            err.flush();
            shownWidth = 0;
        }
    }
}
