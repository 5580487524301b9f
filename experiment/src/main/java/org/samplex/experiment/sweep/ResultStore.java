package org.samplex.experiment.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.sqlite.SQLiteConfig;

/**
 * The results of a sweep: an SQLite file {@code results.sqlite} in the sweep's folder, shared safely by several
 * processes (WAL journal, a busy timeout, every write one immediate transaction).
 *
 * <p>Table {@code runs(run_key TEXT PRIMARY KEY, status TEXT NOT NULL, learner TEXT, task TEXT, seed INTEGER,
 * spec_json TEXT NOT NULL, record_json TEXT, error TEXT, finished_at TEXT)}: one row per run key, written whole
 * or not at all. {@code status} is the record's status label (completed, censored, diverged) or "failed" for a
 * run that threw; {@code spec_json} is the spec as run and {@code record_json} the record, both canonical JSON;
 * {@code finished_at} an ISO-8601 instant. A result is never overwritten; a failed row is replaced by a later
 * result or failure of the same key, so a resumed sweep retries failed runs and still holds one row per key.
 *
 * <p>Table {@code claims} says which live process is running which key, so that two processes on one folder do
 * not run the same run twice; a claim of a dead process (or, from another host, one whose heartbeat is older
 * than {@link #FOREIGN_LEASE_MILLIS}) is ignored. Claims only save work: correctness rests on the primary key.
 *
 * <p>Methods are synchronized; one store may serve every worker thread of a process.
 */
public final class ResultStore implements AutoCloseable {

    /** The file in the sweep's folder. */
    public static final String FILE_NAME = "results.sqlite";

    /** How long a claim made on another host counts without a fresh heartbeat. */
    static final long FOREIGN_LEASE_MILLIS = 10 * 60_000;

    /** How long a writer waits for another process's transaction before giving up. */
    private static final int BUSY_TIMEOUT_MILLIS = 120_000;

    /**
     * One row of {@code runs}.
     *
     * @param recordJson the record's JSON; null for a failed run
     * @param error      why the run failed; null unless status is "failed"
     */
    public record StoredRun(String runKey, String status, String specJson, String recordJson, String error) {
    }

    /** What {@link #claim} found. */
    public enum Claim {
        /** This store now holds the claim: run it. */
        CLAIMED,
        /** The run has a result (not a failure) already. */
        FINISHED,
        /** A live process (possibly this one, through another store) is running it. */
        HELD
    }

    private final Path file;
    private final Connection connection;
    private final ProcessIdentity self;

    private ResultStore(Path file, Connection connection, ProcessIdentity self) {
        this.file = file;
        this.connection = connection;
        this.self = self;
    }

    /**
     * Opens (creating when absent) {@code dir/results.sqlite} and its tables; creates {@code dir} too.
     *
     * @throws UncheckedIOException when the folder or the database cannot be opened
     */
    public static ResultStore open(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the results folder " + dir, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = null;
        try {
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = FULL");
                st.execute("CREATE TABLE IF NOT EXISTS runs(run_key TEXT PRIMARY KEY, status TEXT NOT NULL, "
                        + "learner TEXT, task TEXT, seed INTEGER, spec_json TEXT NOT NULL, record_json TEXT, "
                        + "error TEXT, finished_at TEXT)");
                st.execute("CREATE TABLE IF NOT EXISTS claims(run_key TEXT PRIMARY KEY, session TEXT NOT NULL, "
                        + "host TEXT NOT NULL, pid INTEGER NOT NULL, process_start INTEGER, "
                        + "heartbeat INTEGER NOT NULL)");
            }
            return new ResultStore(file, c, ProcessIdentity.current());
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("cannot open the results store " + file, e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /**
     * Stores a run's result unless the key has one already (a failed row is replaced), and drops this store's
     * claim on the key, in one transaction.
     *
     * @return whether the row was written
     */
    public synchronized boolean insertIfAbsent(String runKey, RunSpec spec, RunRecord record) {
        return write(runKey, spec, record.status().label(), record.toJson(), null);
    }

    /**
     * Stores that a run failed unless the key has a result already (an older failure is replaced), and drops
     * this store's claim on the key, in one transaction.
     *
     * @return whether the row was written
     */
    public synchronized boolean insertFailure(String runKey, RunSpec spec, String error) {
        return write(runKey, spec, "failed", null, error == null ? "(no message)" : error);
    }

    private boolean write(String runKey, RunSpec spec, String status, String recordJson, String error) {
        String sql = "INSERT INTO runs(run_key, status, learner, task, seed, spec_json, record_json, error, "
                + "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_key) DO UPDATE SET "
                + "status = excluded.status, learner = excluded.learner, task = excluded.task, seed = excluded.seed, "
                + "spec_json = excluded.spec_json, record_json = excluded.record_json, error = excluded.error, "
                + "finished_at = excluded.finished_at WHERE runs.status = 'failed'";
        return transaction("cannot store run " + runKey + " in " + file, () -> {
            int changed;
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, runKey);
                ps.setString(2, status);
                ps.setString(3, spec.learner());
                ps.setString(4, spec.task());
                ps.setLong(5, spec.seed());
                ps.setString(6, Json.canonical(spec.toMap()));
                ps.setString(7, recordJson == null ? null : compact(recordJson));
                ps.setString(8, error);
                ps.setString(9, Instant.now().toString());
                changed = ps.executeUpdate();
            }
            deleteOwnClaim(runKey);
            return changed > 0;
        });
    }

    /** The record JSON without indentation (its canonical form), to keep the file small. */
    private static String compact(String json) {
        return Json.canonical(Json.parse(json));
    }

    /** Keys with a result: completed, censored or diverged (failed runs are not finished: a resume retries them). */
    public synchronized Set<String> finishedKeys() {
        Set<String> keys = new LinkedHashSet<>();
        query("SELECT run_key FROM runs WHERE status <> 'failed' ORDER BY run_key", rs -> keys.add(rs.getString(1)));
        return keys;
    }

    /** Every row, ordered by run key. */
    public synchronized List<StoredRun> all() {
        List<StoredRun> rows = new ArrayList<>();
        query("SELECT run_key, status, spec_json, record_json, error FROM runs ORDER BY run_key",
                rs -> rows.add(new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))));
        return rows;
    }

    /** Rows per status, e.g. {completed=12, failed=1}, statuses in alphabetical order. */
    public synchronized Map<String, Integer> statusCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        query("SELECT status, COUNT(*) FROM runs GROUP BY status ORDER BY status",
                rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    /**
     * Claims a run for this store, unless it has a result or a live process holds it. A stale claim (its process
     * is gone) is taken over.
     */
    public synchronized Claim claim(String runKey) {
        return transaction("cannot claim run " + runKey + " in " + file, () -> claimInTransaction(runKey));
    }

    private Claim claimInTransaction(String runKey) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT status FROM runs WHERE run_key = ? AND status <> 'failed'")) {
            ps.setString(1, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Claim.FINISHED;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT session, host, pid, process_start, heartbeat FROM claims WHERE run_key = ?")) {
            ps.setString(1, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long start = rs.getLong(4);
                    Long processStart = rs.wasNull() ? null : start;
                    ProcessIdentity holder = new ProcessIdentity(rs.getString(1), rs.getString(2), rs.getLong(3),
                            processStart);
                    if (!holder.session().equals(self.session())
                            && holder.isAlive(self, rs.getLong(5), System.currentTimeMillis(),
                            FOREIGN_LEASE_MILLIS)) {
                        return Claim.HELD;
                    }
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO claims(run_key, session, host, pid, "
                + "process_start, heartbeat) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(run_key) DO UPDATE SET "
                + "session = excluded.session, host = excluded.host, pid = excluded.pid, "
                + "process_start = excluded.process_start, heartbeat = excluded.heartbeat")) {
            ps.setString(1, runKey);
            ps.setString(2, self.session());
            ps.setString(3, self.host());
            ps.setLong(4, self.pid());
            if (self.processStart() == null) {
                ps.setNull(5, java.sql.Types.INTEGER);
            } else {
                ps.setLong(5, self.processStart());
            }
            ps.setLong(6, System.currentTimeMillis());
            ps.executeUpdate();
        }
        return Claim.CLAIMED;
    }

    /** Renews this store's claim on a run that is still running (for claims seen from other hosts). */
    public synchronized void heartbeat(String runKey) {
        transaction("cannot renew the claim on run " + runKey + " in " + file, () -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE claims SET heartbeat = ? WHERE run_key = ? AND session = ?")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, runKey);
                ps.setString(3, self.session());
                return ps.executeUpdate();
            }
        });
    }

    /** Drops this store's claim on a run without storing anything (the run was abandoned). */
    public synchronized void release(String runKey) {
        transaction("cannot release the claim on run " + runKey + " in " + file, () -> {
            deleteOwnClaim(runKey);
            return null;
        });
    }

    private void deleteOwnClaim(String runKey) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM claims WHERE run_key = ? AND session = ?")) {
            ps.setString(1, runKey);
            ps.setString(2, self.session());
            ps.executeUpdate();
        }
    }

    /** Drops this store's claims (runs abandoned by a failing sweep go back to the pool) and closes the file. */
    @Override
    public synchronized void close() {
        try {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM claims WHERE session = ?")) {
                ps.setString(1, self.session());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            // Claims of this process count as stale once it exits; closing matters more.
        }
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("cannot close the results store " + file, e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} as one write transaction. The connection stays in auto-commit mode, so that between
     * transactions this process holds no lock (sqlite-jdbc with auto-commit off would open the next transaction at
     * once and keep other processes waiting); BEGIN IMMEDIATE takes the write lock up front, waiting up to the
     * busy timeout, so two writers never deadlock upgrading a read lock.
     */
    private <T> T transaction(String what, Work<T> work) {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            T out;
            try {
                out = work.run();
            } catch (SQLException | RuntimeException e) {
                st.execute("ROLLBACK");
                throw e;
            }
            st.execute("COMMIT");
            return out;
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** A read in auto-commit mode: a consistent snapshot of the WAL, no lock kept afterwards. */
    private void query(String sql, RowReader reader) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        } catch (SQLException e) {
            throw failure("cannot read the results store " + file, e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Opening failed; that failure is the one to report.
            }
        }
    }

    private static UncheckedIOException failure(String what, SQLException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), new IOException(e));
    }
}
