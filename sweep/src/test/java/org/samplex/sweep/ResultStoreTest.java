package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;
import org.samplex.experiment.RunSpec;

class ResultStoreTest {

    @TempDir
    Path dir;

    private static RunSpec spec(long seed) {
        return RunSpec.builder("linear", "tiny").seed(seed).thresholds(0.5).backend("reference").build();
    }

    private static RunRecord record(RunSpec spec, Status status, Long nStar) {
        return new RunRecord(spec, status, List.of(new Crossing(0.5, nStar)),
                List.of(new CurvePoint(1, 64, 0.4, 0.45)), 1, 64, 0.25, 0.5, "reference", 1, 3, Map.of("k", "v"));
    }

    @Test
    void aKeyKeepsItsFirstResult() {
        try (ResultStore store = ResultStore.open(dir)) {
            RunSpec s = spec(1);
            assertTrue(store.insertIfAbsent("k1", s, record(s, Status.COMPLETED, 64L)));
            assertFalse(store.insertIfAbsent("k1", s, record(s, Status.CENSORED, null)));
            List<ResultStore.StoredRun> all = store.all();
            assertEquals(1, all.size());
            assertEquals("completed", all.getFirst().status());
            assertEquals(64L, ((Map<?, ?>) ((Map<?, ?>) Json.parse(all.getFirst().recordJson())).get("nstar"))
                    .get("0.5"));
            assertEquals(s, RunSpec.fromMap(castMap(Json.parse(all.getFirst().specJson()))));
            assertNull(all.getFirst().error());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void aFailureIsReplacedByALaterResultButNeverReplacesOne() {
        try (ResultStore store = ResultStore.open(dir)) {
            RunSpec s = spec(2);
            assertTrue(store.insertFailure("a", s, "boom"));
            assertEquals(Set.of(), store.finishedKeys(), "a failed run is not finished: a resume retries it");
            assertTrue(store.insertFailure("a", s, "boom again"), "a newer failure replaces the older one");
            assertEquals("boom again", store.all().getFirst().error());
            assertTrue(store.insertIfAbsent("a", s, record(s, Status.DIVERGED, null)));
            assertFalse(store.insertFailure("a", s, "late"));
            ResultStore.StoredRun row = store.all().getFirst();
            assertEquals("diverged", row.status());
            assertNull(row.error());
            assertEquals(Set.of("a"), store.finishedKeys());
        }
    }

    @Test
    void rowsComeOrderedByKeyWithTheirColumnsFilledIn() throws Exception {
        try (ResultStore store = ResultStore.open(dir)) {
            for (String k : List.of("c", "a", "b")) {
                RunSpec s = spec(k.charAt(0));
                store.insertIfAbsent(k, s, record(s, Status.COMPLETED, 128L));
            }
            store.insertFailure("d", spec(7), "it broke");
            assertEquals(List.of("a", "b", "c", "d"), store.all().stream().map(ResultStore.StoredRun::runKey).toList());
            assertNull(store.all().getLast().recordJson());
            assertEquals(Map.of("completed", 3, "failed", 1), store.statusCounts());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ResultStore.FILE_NAME));
             PreparedStatement ps = c.prepareStatement(
                     "SELECT learner, task, seed, finished_at FROM runs WHERE run_key = 'b'");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals("linear", rs.getString(1));
            assertEquals("tiny", rs.getString(2));
            assertEquals('b', rs.getLong(3));
            assertTrue(rs.getString(4).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), rs.getString(4));
        }
    }

    @Test
    void aClaimIsHeldUntilItsRunIsStored() {
        try (ResultStore a = ResultStore.open(dir); ResultStore b = ResultStore.open(dir)) {
            assertEquals(ResultStore.Claim.CLAIMED, a.claim("k"));
            assertEquals(ResultStore.Claim.CLAIMED, a.claim("k"), "a store may claim again what it holds");
            assertEquals(ResultStore.Claim.HELD, b.claim("k"));
            RunSpec s = spec(3);
            a.insertIfAbsent("k", s, record(s, Status.COMPLETED, 64L));
            assertEquals(ResultStore.Claim.FINISHED, b.claim("k"));
        }
    }

    @Test
    void closingAStoreReleasesItsClaims() {
        try (ResultStore b = ResultStore.open(dir)) {
            try (ResultStore a = ResultStore.open(dir)) {
                assertEquals(ResultStore.Claim.CLAIMED, a.claim("k"));
                assertEquals(ResultStore.Claim.HELD, b.claim("k"));
            }
            assertEquals(ResultStore.Claim.CLAIMED, b.claim("k"));
        }
    }

    @Test
    void claimsOfDeadProcessesAndStaleForeignHostsAreTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long now = System.currentTimeMillis();
        try (ResultStore store = ResultStore.open(dir)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ResultStore.FILE_NAME))) {
                insertClaim(c, "dead", "other-session", hostOf(c), gone.pid(), now);
                insertClaim(c, "foreign-fresh", "s2", "elsewhere.example", 1, now);
                insertClaim(c, "foreign-stale", "s3", "elsewhere.example", 1,
                        now - ResultStore.FOREIGN_LEASE_MILLIS - 1000);
                insertClaim(c, "alive", "s4", hostOf(c), ProcessHandle.current().pid(), now);
            }
            assertEquals(ResultStore.Claim.CLAIMED, store.claim("dead"));
            assertEquals(ResultStore.Claim.HELD, store.claim("foreign-fresh"));
            assertEquals(ResultStore.Claim.CLAIMED, store.claim("foreign-stale"));
            assertEquals(ResultStore.Claim.HELD, store.claim("alive"), "another session of a live process");
        }
    }

    /** The host name this machine's stores record (read back from a claim made here). */
    private String hostOf(Connection c) throws Exception {
        try (ResultStore probe = ResultStore.open(dir)) {
            probe.claim("probe");
            try (PreparedStatement ps = c.prepareStatement("SELECT host FROM claims WHERE run_key = 'probe'");
                 ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private static void insertClaim(Connection c, String key, String session, String host, long pid, long heartbeat)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO claims(run_key, session, host, pid, "
                + "process_start, heartbeat) VALUES (?, ?, ?, ?, NULL, ?)")) {
            ps.setString(1, key);
            ps.setString(2, session);
            ps.setString(3, host);
            ps.setLong(4, pid);
            ps.setLong(5, heartbeat);
            ps.executeUpdate();
        }
    }
}
