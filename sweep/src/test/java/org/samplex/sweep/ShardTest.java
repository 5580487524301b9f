package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Services;
import org.samplex.experiment.RunKeys;

/** Dealing a plan to shards: every run in exactly one shard, balanced, stable; --shard's text and files. */
class ShardTest {

    private static final RunService TINY = TinyProviders.trainer();

    /** 200 runs: N 2 to 9, 25 seeds. */
    private static final List<PlannedRun> RUNS = Plan.parse("""
            task: tiny
            learners: [linear]
            N: [2, 3, 4, 5, 6, 7, 8, 9]
            seeds: 25
            thresholds: 0.5
            """, "200 runs").expand(TINY);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64})
    void theShardsPartitionThePlanByKeyAndByCost(int n) {
        assertEquals(200, RUNS.size());
        Map<String, Double> cost = new HashMap<>();
        // Costs with ties and spread, so that the cost order is not the key order.
        RUNS.forEach(r -> cost.put(r.key(), (double) (r.spec().seed() % 7)));
        for (Shard.Order order : Shard.Order.values()) {
            Set<String> union = new HashSet<>();
            int total = 0;
            int smallest = Integer.MAX_VALUE;
            int largest = 0;
            for (int i = 0; i < n; i++) {
                List<PlannedRun> part = new Shard(i, n).select(RUNS, order, r -> cost.get(r.key()));
                for (PlannedRun r : part) {
                    assertTrue(union.add(r.key()), order + ": run " + r.label() + " is in two shards of " + n);
                }
                total += part.size();
                smallest = Math.min(smallest, part.size());
                largest = Math.max(largest, part.size());
                assertEquals(RUNS.stream().filter(part::contains).toList(), part, "a shard keeps the plan's order");
            }
            assertEquals(200, total);
            assertEquals(RUNS.stream().map(PlannedRun::key).collect(HashSet::new, Set::add, Set::addAll), union,
                    order + ": the union of the " + n + " shards is the plan");
            assertTrue(largest - smallest <= 1, order + ": sizes " + smallest + ".." + largest);
        }
    }

    @Test
    void theDealIsAPureFunctionOfTheRunsNotOfTheirOrder() {
        List<PlannedRun> reversed = new ArrayList<>(RUNS).reversed();
        for (int i = 0; i < 7; i++) {
            Shard s = new Shard(i, 7);
            assertEquals(new HashSet<>(s.select(RUNS, Shard.Order.KEY, r -> 0)),
                    new HashSet<>(s.select(reversed, Shard.Order.KEY, r -> 0)));
        }
        List<PlannedRun> byKey = Shard.dealingOrder(RUNS, Shard.Order.KEY, r -> 0);
        assertEquals(byKey.getFirst(), new Shard(0, 7).select(RUNS, Shard.Order.KEY, r -> 0).stream()
                .min((a, b) -> a.key().compareTo(b.key())).orElseThrow(), "position 0 of the key order: shard 0");
    }

    @Test
    void theCostOrderDealsTheLongestRunsFirstOneToEachShard() {
        Map<String, Double> cost = new HashMap<>();
        for (int i = 0; i < RUNS.size(); i++) {
            cost.put(RUNS.get(i).key(), i < 4 ? 1000.0 + i : 1.0);
        }
        Set<Integer> shardsOfTheLongest = new HashSet<>();
        for (int s = 0; s < 4; s++) {
            for (PlannedRun r : new Shard(s, 4).select(RUNS, Shard.Order.COST, x -> cost.get(x.key()))) {
                if (cost.get(r.key()) > 1) {
                    assertTrue(shardsOfTheLongest.add(s), "two of the 4 longest runs in shard " + s);
                }
            }
        }
        assertEquals(Set.of(0, 1, 2, 3), shardsOfTheLongest);
    }

    @Test
    void shardTextIsParsedOrRefusedNamingWhatIsAccepted() {
        assertEquals(new Shard(3, 8), Shard.parse("3/8", Map.of()));
        assertEquals(new Shard(0, 1), Shard.parse(" 0/1 ", Map.of()));
        assertEquals(new Shard(5, 8), Shard.parse("auto/8", Map.of("SLURM_ARRAY_TASK_ID", "5")));
        assertEquals(new Shard(2, 8), Shard.parse("auto/8", Map.of("JOB_COMPLETION_INDEX", "2")));
        assertEquals(new Shard(5, 8), Shard.parse("auto/8",
                Map.of("SLURM_ARRAY_TASK_ID", "5", "JOB_COMPLETION_INDEX", "2")), "Slurm first");
        for (String bad : List.of("3/2", "8/8", "x", "1/0", "-1/4", "1/", "/4", "1.5/4", "99999999999/4")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Shard.parse(bad, Map.of()), bad);
            assertTrue(e.getMessage().contains("--shard") && e.getMessage().contains(bad.strip()), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shard.parse("auto/4", Map.of()));
        assertTrue(e.getMessage().contains("SLURM_ARRAY_TASK_ID") && e.getMessage().contains("JOB_COMPLETION_INDEX")
                && e.getMessage().contains("--shard I/4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Shard.parse("auto/4", Map.of("SLURM_ARRAY_TASK_ID", "4")));
        assertTrue(e.getMessage().contains("SLURM_ARRAY_TASK_ID is 4") && e.getMessage().contains("0 to 3"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Shard.parse("auto/4", Map.of("JOB_COMPLETION_INDEX", "one")));
        assertTrue(e.getMessage().contains("JOB_COMPLETION_INDEX is 'one'"), e.getMessage());
    }

    @Test
    void fileNamesNameTheirShard() {
        assertEquals("shard-3-of-8.sqlite", new Shard(3, 8).fileName());
        assertEquals(new Shard(3, 8), Shard.ofFileName("shard-3-of-8.sqlite"));
        assertNull(Shard.ofFileName("shard-8-of-8.sqlite"));
        assertNull(Shard.ofFileName("shard-3-of-8.sqlite-journal"));
        assertNull(Shard.ofFileName(ResultStore.FILE_NAME));
    }

    /**
     * Golden run keys of a plan of the real providers (qstr, mlp, transformer, gru on cpu), computed as samplex
     * 0.1.0-SNAPSHOT keys them, with the shard of 8 each is dealt to by key. A change here changes the identity
     * of every stored run: it must be deliberate (and a new samplex version changes the keys anyway).
     */
    @Test
    void runKeysAndTheDealAreStable() throws IOException {
        Services services = Services.discover();
        List<String> names = services.learners().stream().map(Services.Found::name).toList();
        org.junit.jupiter.api.Assumptions.assumeTrue(names.containsAll(List.of("mlp", "transformer", "gru")),
                "the real learners are not on the test path: " + names);
        Plan plan = Plan.parse("""
                learners: [mlp, transformer, gru]
                N: [2, 8]
                q: [1, 2]
                seeds: 2
                thresholds: [0.7]
                test-size: 2000
                backend: cpu
                task-options: {link: sumlinear}
                learner-options: {gru.hidden: 128}
                """, "golden plan");
        List<PlannedRun> runs = plan.expand(RunService.of(services));
        Map<String, String> golden = golden();
        assertEquals(golden.size(), runs.size(), "runs of the golden plan");
        List<PlannedRun> versioned = runs.stream().map(r -> new PlannedRun(RunKeys.of(r.spec(), "0.1.0-SNAPSHOT"),
                r.spec(), r.label())).toList();
        Map<String, Integer> shardOf = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            for (PlannedRun r : new Shard(i, 8).select(versioned, Shard.Order.KEY, x -> 0)) {
                shardOf.put(r.key(), i);
            }
        }
        for (PlannedRun r : versioned) {
            String line = golden.get(r.label());
            assertNotNull(line, "no golden key for " + r.label());
            assertEquals(line, r.key() + " " + shardOf.get(r.key()), r.label());
        }
    }

    /** label -> "key shard", from golden-run-keys.txt (lines: key, shard of 8, label; # comments). */
    private static Map<String, String> golden() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = ShardTest.class.getResourceAsStream("golden-run-keys.txt")) {
            assertNotNull(in, "golden-run-keys.txt is missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" ", 3);
                out.put(parts[2], parts[0] + " " + parts[1]);
            }
        }
        return out;
    }
}
