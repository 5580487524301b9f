package org.samplex.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.samplex.experiment.IoErrors;
import org.sqlite.SQLiteConfig;

/**
 * A {@link ResultStore} in an SQLite file: {@code results.sqlite} with a write-ahead log (fast readers beside one
 * writer, on one host), or a shard's file with a rollback journal (WAL needs shared memory on one host, so it does
 * not work over a network file system). Tables {@code runs} and {@code claims}; a busy timeout; synchronous FULL.
 *
 * <p>Transactions: the connection stays in auto-commit mode, so that between transactions this process holds no
 * lock (sqlite-jdbc with auto-commit off would open the next transaction at once and keep other processes
 * waiting); BEGIN IMMEDIATE takes the write lock up front, waiting up to the busy timeout, so two writers never
 * deadlock upgrading a read lock, and serializes claims as well. A read in auto-commit mode sees a consistent
 * snapshot of the WAL and keeps no lock afterwards.
 */
final class SqliteStore extends JdbcStore {

    /** How long a writer waits for another process's transaction before giving up. */
    private static final int BUSY_TIMEOUT_MILLIS = 120_000;

    private SqliteStore(Path file, Connection connection) {
        super(file, file.toString(), connection, "runs", "claims");
    }

    /**
     * Opens (creating when absent) {@code file} and its tables; creates its folder too.
     *
     * @param wal a write-ahead log (results.sqlite), else a rollback journal (a shard's file)
     * @throws java.io.UncheckedIOException when the folder or the database cannot be opened
     */
    static SqliteStore open(Path file, boolean wal) {
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
            SqliteStore store = new SqliteStore(file, c);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                if (wal) {
                    st.execute("PRAGMA journal_mode = WAL");
                }
                st.execute("PRAGMA synchronous = FULL");
                store.createTables(st);
            }
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            String why = IoErrors.whyNotWritable(dir);
            throw failure("cannot open the results store " + file + (why == null ? "" : ": " + why), e);
        }
    }

    /** Opens an existing shard's file (for merging), keeping its journal mode. */
    static SqliteStore openShardFile(Path file) {
        return open(file, false);
    }

    @Override
    <T> T transaction(Work<T> work) throws SQLException {
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

    @Override
    <T> T read(Work<T> work) throws SQLException {
        return work.run();
    }
}
