package org.samplex.experiment.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.samplex.experiment.IoErrors;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.sqlite.SQLiteConfig;

/**
 * The results of a sweep: an SQLite file {@code results.sqlite} in the sweep's folder, shared safely by several
 * processes (WAL journal, a busy timeout, every write one immediate transaction). Two other places hold the same
 * tables with the same contract: a shard's file {@code shard-I-of-N.sqlite} ({@link #openShard}; a rollback
 * journal instead of WAL, which needs shared memory on one host and so does not work over a network file system),
 * and a PostgreSQL database ({@link #openSink}, tables {@code samplex_runs} and {@code samplex_claims}, claims
 * serialized per key by an advisory lock), which one sweep's processes on many hosts may share.
 *
 * <p>Table {@code runs(run_key TEXT PRIMARY KEY, status TEXT NOT NULL, learner TEXT, task TEXT, seed BIGINT,
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

    /** What a {@code --sink} must look like. */
    static final String SINK_ACCEPTED = "a PostgreSQL JDBC URL, jdbc:postgresql://HOST[:PORT]/DATABASE[?user=...]";

    /** The advisory lock that serializes creating the PostgreSQL tables ("samplex" in ASCII). */
    private static final long TABLES_LOCK = 0x73616d706c6578L;

    /** Rows a read fetches at a time from PostgreSQL (records are large; SQLite steps row by row anyway). */
    private static final int FETCH_ROWS = 100;

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

    /**
     * Every column of a row of {@code runs}, as a merge copies it.
     *
     * @param finishedAt an ISO-8601 instant
     */
    public record Row(String runKey, String status, String learner, String task, Long seed, String specJson,
                      String recordJson, String error, String finishedAt) {
    }

    /** Where the tables live, and the SQL that differs between them. */
    private enum Dialect {
        /** results.sqlite: write-ahead log, fast readers beside one writer, one host. */
        SQLITE_WAL("runs", "claims"),
        /** A shard's file: rollback journal, for folders on network file systems. */
        SQLITE_ROLLBACK("runs", "claims"),
        /** A PostgreSQL database shared by hosts. */
        POSTGRESQL("samplex_runs", "samplex_claims");

        final String runs;
        final String claims;

        Dialect(String runs, String claims) {
            this.runs = runs;
            this.claims = claims;
        }

        boolean sqlite() {
            return this != POSTGRESQL;
        }
    }

    private final Path file;
    private final String location;
    private final Connection connection;
    private final ProcessIdentity self;
    private final Dialect dialect;

    private ResultStore(Path file, String location, Connection connection, ProcessIdentity self, Dialect dialect) {
        this.file = file;
        this.location = location;
        this.connection = connection;
        this.self = self;
        this.dialect = dialect;
    }

    /**
     * Opens (creating when absent) {@code dir/results.sqlite} and its tables; creates {@code dir} too.
     *
     * @throws UncheckedIOException when the folder or the database cannot be opened
     */
    public static ResultStore open(Path dir) {
        return openFile(dir.resolve(FILE_NAME), Dialect.SQLITE_WAL);
    }

    /**
     * Opens (creating when absent) a shard's store {@code dir/shard-I-of-N.sqlite} ({@link Shard#fileName}), with
     * a rollback journal: each shard has a file of its own, but the folder may be on a network file system, where
     * SQLite's WAL does not work, and a shard run twice at once (a retried task, a duplicate pod) shares it.
     *
     * @throws UncheckedIOException when the folder or the database cannot be opened
     */
    public static ResultStore openShard(Path dir, Shard shard) {
        return openFile(dir.resolve(shard.fileName()), Dialect.SQLITE_ROLLBACK);
    }

    /** Opens an existing shard's file (for merging), keeping its journal mode. */
    static ResultStore openShardFile(Path file) {
        return openFile(file, Dialect.SQLITE_ROLLBACK);
    }

    private static ResultStore openFile(Path file, Dialect dialect) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoErrors.unchecked("cannot create the results folder " + dir, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = null;
        try {
            c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                if (dialect == Dialect.SQLITE_WAL) {
                    st.execute("PRAGMA journal_mode = WAL");
                }
                st.execute("PRAGMA synchronous = FULL");
                createTables(st, dialect);
            }
            return new ResultStore(file, file.toString(), c, ProcessIdentity.current(), dialect);
        } catch (SQLException e) {
            closeQuietly(c);
            String why = IoErrors.whyNotWritable(dir);
            throw failure("cannot open the results store " + file + (why == null ? "" : ": " + why), e);
        }
    }

    /**
     * Connects to a PostgreSQL database (creating the tables {@code samplex_runs} and {@code samplex_claims} when
     * absent), a sink that every shard of a sweep may write at once from any host. Run keys identify runs across
     * sweeps, so one database may serve several sweeps.
     *
     * @param url a JDBC URL, {@code jdbc:postgresql://HOST[:PORT]/DATABASE}, with {@code user} and
     *            {@code password} as parameters or taken from the driver's defaults (PGPASSFILE, ~/.pgpass)
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
     * @throws UncheckedIOException     when the database cannot be reached or its tables made
     */
    public static ResultStore openSink(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("option '--sink' takes " + SINK_ACCEPTED + ", got '" + url + "'");
        }
        String shown = hidePassword(url);
        Connection c = null;
        try {
            c = DriverManager.getConnection(url);
            ResultStore store = new ResultStore(null, shown, c, ProcessIdentity.current(), Dialect.POSTGRESQL);
            // Several shards may start at once: one of them creates the tables, the others wait for it.
            store.transaction("cannot create the tables in " + shown, () -> {
                try (Statement st = store.connection.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(" + TABLES_LOCK + ")");
                    createTables(st, Dialect.POSTGRESQL);
                }
                return null;
            });
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            String hint = e.getMessage() != null && e.getMessage().contains("No suitable driver")
                    ? " (the PostgreSQL driver org.postgresql:postgresql is not on the module path)" : "";
            throw failure("cannot open the sink " + shown + hint, e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void createTables(Statement st, Dialect d) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS " + d.runs + "(run_key TEXT PRIMARY KEY, status TEXT NOT NULL, "
                + "learner TEXT, task TEXT, seed BIGINT, spec_json TEXT NOT NULL, record_json TEXT, "
                + "error TEXT, finished_at TEXT)");
        st.execute("CREATE TABLE IF NOT EXISTS " + d.claims + "(run_key TEXT PRIMARY KEY, session TEXT NOT NULL, "
                + "host TEXT NOT NULL, pid BIGINT NOT NULL, process_start BIGINT, "
                + "heartbeat BIGINT NOT NULL)");
    }

    /** A JDBC URL with any password parameter replaced by ***, for messages. */
    public static String hidePassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The database file; null for a PostgreSQL sink. */
    public Path file() {
        return file;
    }

    /** The file, or the sink's URL without its password, for messages. */
    public String location() {
        return location;
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
        String sql = "INSERT INTO " + dialect.runs + "(run_key, status, learner, task, seed, spec_json, record_json, "
                + "error, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_key) DO UPDATE SET "
                + "status = excluded.status, learner = excluded.learner, task = excluded.task, seed = excluded.seed, "
                + "spec_json = excluded.spec_json, record_json = excluded.record_json, error = excluded.error, "
                + "finished_at = excluded.finished_at WHERE " + dialect.runs + ".status = 'failed'";
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

    /**
     * Copies rows into this store by the rule of every write, in one transaction: a key's first result stays, a
     * failure is replaced by a result (or a later failure). Merging the same rows again writes nothing new.
     *
     * @return how many of the rows were written
     */
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

    /**
     * Every row with every column, ordered by run key, handed to {@code each} while the store reads them (rows
     * are not all held in memory at once).
     */
    public synchronized void forEachRow(Consumer<Row> each) {
        query("SELECT run_key, status, learner, task, seed, spec_json, record_json, error, finished_at FROM "
                + dialect.runs + " ORDER BY run_key", rs -> {
                    long seed = rs.getLong(5);
                    Long s = rs.wasNull() ? null : seed;
                    each.accept(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), s,
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                });
    }

    /**
     * Deletes the rows of these keys (results included), in one transaction, so that a resume runs them again
     * ({@link CodeChange#RERUN}).
     *
     * @return how many rows were deleted
     */
    public synchronized int delete(Collection<String> runKeys) {
        if (runKeys.isEmpty()) {
            return 0;
        }
        return transaction("cannot delete runs from " + location, () -> {
            int n = 0;
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + dialect.runs
                    + " WHERE run_key = ?")) {
                for (String key : runKeys) {
                    ps.setString(1, key);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    /** Keys with a result: completed, censored or diverged (failed runs are not finished: a resume retries them). */
    public synchronized Set<String> finishedKeys() {
        Set<String> keys = new LinkedHashSet<>();
        query("SELECT run_key FROM " + dialect.runs + " WHERE status <> 'failed' ORDER BY run_key",
                rs -> keys.add(rs.getString(1)));
        return keys;
    }

    /** Every row, ordered by run key. */
    public synchronized List<StoredRun> all() {
        List<StoredRun> rows = new ArrayList<>();
        query("SELECT run_key, status, spec_json, record_json, error FROM " + dialect.runs + " ORDER BY run_key",
                rs -> rows.add(new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))));
        return rows;
    }

    /** Rows per status, e.g. {completed=12, failed=1}, statuses in alphabetical order. */
    public synchronized Map<String, Integer> statusCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        query("SELECT status, COUNT(*) FROM " + dialect.runs + " GROUP BY status ORDER BY status",
                rs -> counts.put(rs.getString(1), rs.getInt(2)));
        return counts;
    }

    /**
     * Claims a run for this store, unless it has a result or a live process holds it. A stale claim (its process
     * is gone) is taken over.
     */
    public synchronized Claim claim(String runKey) {
        return transaction("cannot claim run " + runKey + " in " + location, () -> claimInTransaction(runKey));
    }

    private Claim claimInTransaction(String runKey) throws SQLException {
        if (!dialect.sqlite()) {
            // SQLite's BEGIN IMMEDIATE serializes writers; PostgreSQL needs a lock for a row that may not exist yet.
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                ps.setString(1, runKey);
                ps.executeQuery().close();
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT status FROM " + dialect.runs + " WHERE run_key = ? AND status <> 'failed'")) {
            ps.setString(1, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Claim.FINISHED;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT session, host, pid, process_start, heartbeat FROM " + dialect.claims + " WHERE run_key = ?")) {
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
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + dialect.claims + "(run_key, session, "
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

    /** Renews this store's claim on a run that is still running (for claims seen from other hosts). */
    public synchronized void heartbeat(String runKey) {
        transaction("cannot renew the claim on run " + runKey + " in " + location, () -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE " + dialect.claims + " SET heartbeat = ? WHERE run_key = ? AND session = ?")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, runKey);
                ps.setString(3, self.session());
                return ps.executeUpdate();
            }
        });
    }

    /** Drops this store's claim on a run without storing anything (the run was abandoned). */
    public synchronized void release(String runKey) {
        transaction("cannot release the claim on run " + runKey + " in " + location, () -> {
            deleteOwnClaim(runKey);
            return null;
        });
    }

    private void deleteOwnClaim(String runKey) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM " + dialect.claims + " WHERE run_key = ? AND session = ?")) {
            ps.setString(1, runKey);
            ps.setString(2, self.session());
            ps.executeUpdate();
        }
    }

    /** Drops this store's claims (runs abandoned by a failing sweep go back to the pool) and closes the file. */
    @Override
    public synchronized void close() {
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "DELETE FROM " + dialect.claims + " WHERE session = ?")) {
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

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} as one write transaction. On SQLite the connection stays in auto-commit mode, so that
     * between transactions this process holds no lock (sqlite-jdbc with auto-commit off would open the next
     * transaction at once and keep other processes waiting); BEGIN IMMEDIATE takes the write lock up front, waiting
     * up to the busy timeout, so two writers never deadlock upgrading a read lock. On PostgreSQL the driver's own
     * transactions are used (auto-commit off for the work, then on again).
     */
    private <T> T transaction(String what, Work<T> work) {
        try {
            return dialect.sqlite() ? sqliteTransaction(work) : jdbcTransaction(work);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private <T> T sqliteTransaction(Work<T> work) throws SQLException {
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
        }
    }

    private <T> T jdbcTransaction(Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T out = work.run();
            connection.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /**
     * A read in auto-commit mode: a consistent snapshot of the WAL, no lock kept afterwards. PostgreSQL streams
     * rows only inside a transaction (else the driver holds the whole result in memory): there the read is one.
     */
    private void query(String sql, RowReader reader) {
        try {
            if (dialect.sqlite()) {
                read(sql, reader);
            } else {
                jdbcTransaction(() -> {
                    read(sql, reader);
                    return null;
                });
            }
        } catch (SQLException e) {
            throw failure("cannot read the results store " + location, e);
        }
    }

    private void read(String sql, RowReader reader) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.setFetchSize(FETCH_ROWS);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
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
