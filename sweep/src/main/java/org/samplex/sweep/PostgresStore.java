package org.samplex.sweep;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A {@link ResultStore} in a PostgreSQL database, tables {@code samplex_runs} and {@code samplex_claims}: a sink
 * that one sweep's processes on many hosts may share. The driver's own transactions are used (auto-commit off for
 * the work, then on again); a claim is serialized per key by an advisory lock, since the row it guards may not
 * exist yet; reads run inside a transaction, the only way the driver streams rows instead of holding the whole
 * result in memory.
 */
final class PostgresStore extends JdbcStore {

    /** The advisory lock that serializes creating the tables ("samplex" in ASCII). */
    private static final long TABLES_LOCK = 0x73616d706c6578L;

    private PostgresStore(String shown, Connection connection) {
        super(null, shown, connection, "samplex_runs", "samplex_claims");
    }

    /** {@link ResultStore#openSink}. */
    static PostgresStore open(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("option '--sink' takes " + SINK_ACCEPTED + ", got '" + url + "'");
        }
        String shown = ResultStore.hidePassword(url);
        Connection c = null;
        try {
            c = DriverManager.getConnection(url);
            PostgresStore store = new PostgresStore(shown, c);
            // Several shards may start at once: one of them creates the tables, the others wait for it.
            store.transaction("cannot create the tables in " + shown, () -> {
                try (Statement st = store.connection.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(" + TABLES_LOCK + ")");
                    store.createTables(st);
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

    @Override
    <T> T transaction(Work<T> work) throws SQLException {
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

    @Override
    <T> T read(Work<T> work) throws SQLException {
        return transaction(work);
    }

    @Override
    void lockKey(String runKey) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, runKey);
            ps.executeQuery().close();
        }
    }
}
