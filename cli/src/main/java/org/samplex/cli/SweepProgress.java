package org.samplex.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.samplex.experiment.RunRecord;
import org.samplex.sweep.PlannedRun;
import org.samplex.sweep.SweepListener;

/**
 * A sweep's progress on stderr: runs done of total with an ETA, and each current run's prompts seen and last
 * test MSE. On a terminal one line is rewritten in place; otherwise a plain status line at most every
 * {@code intervalSeconds}, plus one line per run that ends, so logs stay readable. Stdout is left alone.
 *
 * <p>ETA: the wall time so far divided by the runs ended in this sweep, times the runs left (the workers'
 * parallelism is in the measured rate); unknown until a run ends.
 */
final class SweepProgress implements SweepListener {

    private final PrintWriter err;
    private final boolean terminal;
    private final double intervalSeconds;
    private final LongSupplier clock;
    private final Map<String, String> current = new LinkedHashMap<>();
    private long startNanos;
    private int total;
    private int done;
    private int endedHere;
    private int failed;
    private int waitingFor;
    private double lastPlain = Double.NEGATIVE_INFINITY;
    private int shownWidth;

    /** @param clock nanoseconds, {@code System::nanoTime} outside tests */
    SweepProgress(PrintWriter err, boolean terminal, double intervalSeconds, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.intervalSeconds = intervalSeconds;
        this.clock = clock;
    }

    @Override
    public synchronized void started(int planned, int finished, int workers, int threads) {
        startNanos = clock.getAsLong();
        total = planned;
        done = finished;
        err.println(String.format(Locale.ROOT, "samplex: sweep of %d runs: %d in the store already, %d to run "
                + "(%d worker%s, %d thread%s each)", planned, finished, planned - finished, workers,
                workers == 1 ? "" : "s", threads, threads == 1 ? "" : "s"));
        err.flush();
    }

    @Override
    public synchronized void runStarted(PlannedRun run) {
        current.put(run.key(), run.label() + " starting");
        show(false);
    }

    @Override
    public synchronized void checked(PlannedRun run, RunRecord.CurvePoint point, double elapsedSeconds) {
        current.put(run.key(), String.format(Locale.ROOT, "%s: %,d prompts, test MSE %.4g", run.label(),
                point.promptsSeen(), point.testMse()));
        show(false);
    }

    @Override
    public synchronized void runFinished(PlannedRun run, RunRecord record) {
        String nStars = record.crossings().stream()
                .map(c -> Double.toString(c.threshold()) + " " + (c.crossed()
                        ? String.format(Locale.ROOT, "%,d", c.nStar()) : "-"))
                .collect(Collectors.joining(", "));
        ended(run, String.format(Locale.ROOT, "%s %s: n* %s (%.1f s)", run.label(), record.status().label(),
                nStars, record.wallSeconds()));
    }

    @Override
    public synchronized void runFailed(PlannedRun run, Throwable error) {
        failed++;
        ended(run, run.label() + " FAILED: " + error);
    }

    @Override
    public synchronized void heartbeatFailed(PlannedRun run, RuntimeException error) {
        clearLine();
        err.println("samplex: warning: " + error.getMessage() + " (" + run.label()
                + " goes on; further heartbeat failures are not shown)");
        err.flush();
    }

    @Override
    public synchronized void waiting(int heldElsewhere) {
        if (heldElsewhere != waitingFor) {
            waitingFor = heldElsewhere;
            clearLine();
            err.println("samplex: waiting for " + heldElsewhere + " run" + (heldElsewhere == 1 ? "" : "s")
                    + " that another samplex process is running in this folder");
            err.flush();
        }
    }

    private void ended(PlannedRun run, String line) {
        current.remove(run.key());
        done++;
        endedHere++;
        clearLine();
        err.println(String.format(Locale.ROOT, "[%d/%d] %s", done, total, line));
        show(true);
    }

    /**
     * The status line: drawn in place on a terminal; otherwise printed when the interval has passed, except right
     * after a run's end line (which says as much).
     */
    private void show(boolean afterEnd) {
        String line = status();
        if (terminal) {
            clearLine();
            int width = terminalWidth() - 1;
            if (line.length() > width) {
                line = line.substring(0, width - 3) + "...";
            }
            err.print(line);
            shownWidth = line.length();
            err.flush();
            return;
        }
        double now = seconds();
        if (!afterEnd && now - lastPlain >= intervalSeconds && !current.isEmpty()) {
            err.println(line);
            err.flush();
            lastPlain = now;
        }
    }

    /** The terminal's width from COLUMNS when the shell exports it, else 120. */
    private static int terminalWidth() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120").strip()));
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    private String status() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "runs %d/%d", done, total));
        if (failed > 0) {
            sb.append(", ").append(failed).append(" failed");
        }
        sb.append(", ETA ").append(eta());
        for (String c : current.values()) {
            sb.append(" | ").append(c);
        }
        return sb.toString();
    }

    private String eta() {
        if (endedHere == 0) {
            return "?";
        }
        return duration(seconds() / endedHere * (total - done));
    }

    private double seconds() {
        return (clock.getAsLong() - startNanos) * 1e-9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    private void clearLine() {
        if (terminal && shownWidth > 0) {
            err.print("\r" + " ".repeat(shownWidth) + "\r");
            shownWidth = 0;
        }
    }

    /** Ends the line drawn in place, so what follows starts on a fresh line. */
    synchronized void finish() {
        clearLine();
        err.flush();
    }
}
