package org.samplex.sweep;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

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
 * <p>Implementations: one per SQL dialect, {@link SqliteStore} (both file kinds) and {@link PostgresStore}, on
 * the SQL they share in {@link JdbcStore}. Every method is safe to call from every worker thread of a process.
 */
public interface ResultStore extends AutoCloseable {

    /** The file in the sweep's folder. */
    String FILE_NAME = "results.sqlite";

    /** What a {@code --sink} must look like. */
    String SINK_ACCEPTED = "a PostgreSQL JDBC URL, jdbc:postgresql://HOST[:PORT]/DATABASE[?user=...]";

    /** How long a claim made on another host counts without a fresh heartbeat. */
    long FOREIGN_LEASE_MILLIS = 10 * 60_000;

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

    /**
     * Opens (creating when absent) {@code dir/results.sqlite} and its tables; creates {@code dir} too.
     *
     * @throws UncheckedIOException when the folder or the database cannot be opened
     */
    static ResultStore open(Path dir) {
        return SqliteStore.open(dir.resolve(FILE_NAME), true);
    }

    /**
     * Opens (creating when absent) a shard's store {@code dir/shard-I-of-N.sqlite} ({@link Shard#fileName}), with
     * a rollback journal: each shard has a file of its own, but the folder may be on a network file system, where
     * SQLite's WAL does not work, and a shard run twice at once (a retried task, a duplicate pod) shares it.
     *
     * @throws UncheckedIOException when the folder or the database cannot be opened
     */
    static ResultStore openShard(Path dir, Shard shard) {
        return SqliteStore.open(dir.resolve(shard.fileName()), false);
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
    static ResultStore openSink(String url) {
        return PostgresStore.open(url);
    }

    /** A JDBC URL with any password parameter replaced by ***, for messages. */
    static String hidePassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The database file; null for a PostgreSQL sink. */
    Path file();

    /** The file, or the sink's URL without its password, for messages. */
    String location();

    /**
     * Stores a run's result unless the key has one already (a failed row is replaced), and drops this store's
     * claim on the key, in one transaction.
     *
     * @return whether the row was written
     */
    boolean insertIfAbsent(String runKey, RunSpec spec, RunRecord record);

    /**
     * Stores that a run failed unless the key has a result already (an older failure is replaced), and drops
     * this store's claim on the key, in one transaction.
     *
     * @return whether the row was written
     */
    boolean insertFailure(String runKey, RunSpec spec, String error);

    /**
     * Copies rows into this store by the rule of every write, in one transaction: a key's first result stays, a
     * failure is replaced by a result (or a later failure). Merging the same rows again writes nothing new.
     *
     * @return how many of the rows were written
     */
    int merge(List<Row> rows);

    /**
     * Every row with every column, ordered by run key, handed to {@code each} while the store reads them (rows
     * are not all held in memory at once).
     */
    void forEachRow(Consumer<Row> each);

    /**
     * Deletes the rows of these keys (results included), in one transaction, so that a resume runs them again
     * ({@link CodeChange#RERUN}).
     *
     * @return how many rows were deleted
     */
    int delete(Collection<String> runKeys);

    /** Keys with a result: completed, censored or diverged (failed runs are not finished: a resume retries them). */
    Set<String> finishedKeys();

    /** Every row, ordered by run key. */
    List<StoredRun> all();

    /** Rows per status, e.g. {completed=12, failed=1}, statuses in alphabetical order. */
    Map<String, Integer> statusCounts();

    /**
     * Claims a run for this store, unless it has a result or a live process holds it. A stale claim (its process
     * is gone) is taken over.
     */
    Claim claim(String runKey);

    /** Renews this store's claim on a run that is still running (for claims seen from other hosts). */
    void heartbeat(String runKey);

    /** Drops this store's claim on a run without storing anything (the run was abandoned). */
    void release(String runKey);

    /** Drops this store's claims (runs abandoned by a failing sweep go back to the pool) and closes it. */
    @Override
    void close();
}
