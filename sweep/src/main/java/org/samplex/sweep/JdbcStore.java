package org.samplex.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * The SQL every {@link ResultStore} dialect shares: the two tables, the one write rule, claims and reads. A dialect
 * says how a write transaction is run ({@link #transaction(Work)}), how a read is run ({@link #read(Work)}), and
 * how a claim on a key that may have no row yet is serialized ({@link #lockKey}). Methods are synchronized; one
 * store may serve every worker thread of a process.
 */
abstract class JdbcStore implements ResultStore {

    /** Rows a read fetches at a time (records are large; SQLite steps row by row anyway). */
    private static final int FETCH_ROWS = 100;

    private final Path file;
    private final String location;
    private final ProcessIdentity self;
    /** The connection, for the dialects' transactions. */
    final Connection connection;
    private final String runs;
    private final String claims;

    /**
     * @param file   the database file; null for a server
     * @param runs   the name of the runs table
     * @param claims the name of the claims table
     */
    JdbcStore(Path file, String location, Connection connection, String runs, String claims) {
        this.file = file;
        this.location = location;
        this.connection = connection;
        this.self = ProcessIdentity.current();
        this.runs = runs;
        this.claims = claims;
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} as one write transaction. */
    abstract <T> T transaction(Work<T> work) throws SQLException;

    /** Runs a read. */
    abstract <T> T read(Work<T> work) throws SQLException;

    /** Serializes claims of {@code runKey} inside a transaction, beyond what the dialect's transaction does. */
    void lockKey(String runKey) throws SQLException {
    }

    /** Creates the tables when absent. */
    final void createTables(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS " + runs + "(run_key TEXT PRIMARY KEY, status TEXT NOT NULL, "
                + "learner TEXT, task TEXT, seed BIGINT, spec_json TEXT NOT NULL, record_json TEXT, "
                + "error TEXT, finished_at TEXT)");
        st.execute("CREATE TABLE IF NOT EXISTS " + claims + "(run_key TEXT PRIMARY KEY, session TEXT NOT NULL, "
                + "host TEXT NOT NULL, pid BIGINT NOT NULL, process_start BIGINT, "
                + "heartbeat BIGINT NOT NULL)");
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public synchronized boolean insertIfAbsent(String runKey, RunSpec spec, RunRecord record) {
        return write(runKey, spec, record.status().label(), record.toJson(), null);
    }

    @Override
    public synchronized boolean insertFailure(String runKey, RunSpec spec, String error) {
        return write(runKey, spec, "failed", null, error == null ? "(no message)" : error);
    }

    private boolean write(String runKey, RunSpec spec, String status, String recordJson, String error) {
        Row row = new Row(runKey, status, spec.learner(), spec.task(), spec.seed(), Json.canonical(spec.toMap()),
                recordJson == null ? null : compact(recordJson), error, Instant.now().toString());
        return transaction("cannot store run " + runKey + " in " + location, () -> {
            boolean changed = upsert(row);
            deleteOwnClaim(runKey);
            return changed;
        });
    }

    /** Writes a row unless its key has a result: the one rule of every write, a merge's included. */
    private boolean upsert(Row row) throws SQLException {
        String sql = "INSERT INTO " + runs + "(run_key, status, learner, task, seed, spec_json, record_json, "
                + "error, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_key) DO UPDATE SET "
                + "status = excluded.status, learner = excluded.learner, task = excluded.task, seed = excluded.seed, "
                + "spec_json = excluded.spec_json, record_json = excluded.record_json, error = excluded.error, "
                + "finished_at = excluded.finished_at WHERE " + runs + ".status = 'failed'";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, row.runKey());
            ps.setString(2, row.status());
            ps.setString(3, row.learner());
            ps.setString(4, row.task());
            if (row.seed() == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, row.seed());
            }
            ps.setString(6, row.specJson());
            ps.setString(7, row.recordJson());
            ps.setString(8, row.error());
            ps.setString(9, row.finishedAt());
            return ps.executeUpdate() > 0;
        }
    }

    /** The record JSON without indentation (its canonical form), to keep the file small. */
    private static String compact(String json) {
        return Json.canonical(Json.parse(json));
    }

    @Override
    public synchronized int merge(List<Row> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        return transaction("cannot merge runs into " + location, () -> {
            int n = 0;
            for (Row row : rows) {
                n += upsert(row) ? 1 : 0;
            }
            return n;
        });
    }

    @Override
    public synchronized void forEachRow(Consumer<Row> each) {
        query("SELECT run_key, status, learner, task, seed, spec_json, record_json, error, finished_at FROM "
                + runs + " ORDER BY run_key", rs -> {
                    long seed = rs.getLong(5);
                    Long s = rs.wasNull() ? null : seed;
                    each.accept(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), s,
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                });
    }

    @Override
    public synchronized int delete(Collection<String> runKeys) {
        if (runKeys.isEmpty()) {
            return 0;
        }
        return transaction("cannot delete runs from " + location, () -> {
            int n = 0;
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + runs
                    + " WHERE run_key = ?")) {
                for (String key : runKeys) {
                    ps.setString(1, key);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    @Override
    public synchronized Set<String> finishedKeys() {
        Set<String> keys = new LinkedHashSet<>();
        query("SELECT run_key FROM " + runs + " WHERE status <> 'failed' ORDER BY run_key",
                rs -> keys.add(rs.getString(1)));
        return keys;
    }

    @Override
    public synchronized List<StoredRun> all() {
        List<StoredRun> rows = new ArrayList<>();
        query("SELECT run_key, status, spec_json, record_json, error FROM " + runs + " ORDER BY run_key",
                rs -> rows.add(new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))));
        return rows;
    }

    @Override
    public synchronized Map<String, Integer> statusCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        query("SELECT status, COUNT(*) FROM " + runs + " GROUP BY status ORDER BY status",
                rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    @Override
    public synchronized Claim claim(String runKey) {
        return transaction("cannot claim run " + runKey + " in " + location, () -> claimInTransaction(runKey));
    }

    private Claim claimInTransaction(String runKey) throws SQLException {
        lockKey(runKey);
        // Claims are read before results: a holder's result and the removal of its claim commit together, so a
        // claim gone by this read has its result in the next one. (Read the other way round, two statements
        // under READ COMMITTED could miss both.)
        boolean heldElsewhere = false;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT session, host, pid, process_start, heartbeat FROM " + claims + " WHERE run_key = ?")) {
            ps.setString(1, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long start = rs.getLong(4);
                    Long processStart = rs.wasNull() ? null : start;
                    ProcessIdentity holder = new ProcessIdentity(rs.getString(1), rs.getString(2), rs.getLong(3),
                            processStart);
                    heldElsewhere = !holder.session().equals(self.session())
                            && holder.isAlive(self, rs.getLong(5), System.currentTimeMillis(),
                            FOREIGN_LEASE_MILLIS);
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT status FROM " + runs + " WHERE run_key = ? AND status <> 'failed'")) {
            ps.setString(1, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Claim.FINISHED;
                }
            }
        }
        if (heldElsewhere) {
            return Claim.HELD;
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + claims + "(run_key, session, "
                + "host, pid, process_start, heartbeat) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(run_key) DO UPDATE SET "
                + "session = excluded.session, host = excluded.host, pid = excluded.pid, "
                + "process_start = excluded.process_start, heartbeat = excluded.heartbeat")) {
            ps.setString(1, runKey);
            ps.setString(2, self.session());
            ps.setString(3, self.host());
            ps.setLong(4, self.pid());
            if (self.processStart() == null) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, self.processStart());
            }
            ps.setLong(6, System.currentTimeMillis());
            ps.executeUpdate();
        }
        return Claim.CLAIMED;
    }

    @Override
    public synchronized void heartbeat(String runKey) {
        transaction("cannot renew the claim on run " + runKey + " in " + location, () -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE " + claims + " SET heartbeat = ? WHERE run_key = ? AND session = ?")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, runKey);
                ps.setString(3, self.session());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void release(String runKey) {
        transaction("cannot release the claim on run " + runKey + " in " + location, () -> {
            deleteOwnClaim(runKey);
            return null;
        });
    }

    private void deleteOwnClaim(String runKey) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM " + claims + " WHERE run_key = ? AND session = ?")) {
            ps.setString(1, runKey);
            ps.setString(2, self.session());
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void close() {
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "DELETE FROM " + claims + " WHERE session = ?")) {
                ps.setString(1, self.session());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            // Claims of this process count as stale once it exits; closing matters more.
        }
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("cannot close the results store " + location, e);
        }
    }

    /** A write transaction, its SQL failure reported as {@code what}. */
    final <T> T transaction(String what, Work<T> work) {
        try {
            return transaction(work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowReader reader) {
        try {
            read(() -> {
                try (Statement st = connection.createStatement()) {
                    st.setFetchSize(FETCH_ROWS);
                    try (ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            reader.read(rs);
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw failure("cannot read the results store " + location, e);
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Opening failed; that failure is the one to report.
            }
        }
    }

    static UncheckedIOException failure(String what, SQLException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), new IOException(e));
    }
}
