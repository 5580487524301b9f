package org.samplex.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.IoErrors;
import org.samplex.experiment.Json;

/**
 * The shards of a sweep joined again: every {@code shard-I-of-N.sqlite} of a folder (and, when given, the rows of
 * a PostgreSQL sink that the folder's plan names) merged into the folder's {@code results.sqlite}, one row per run
 * key by the store's own rule (a key's first result stays; a failure gives way to a result), so that
 * {@code samplex report DIR} reads the whole sweep. Merging is idempotent: run it again after more shards end.
 *
 * <p>The runs still to do are those of the folder's {@code plan.json} without a result: missing (no row
 * anywhere) or failed. {@link #missingPlan} writes them as a plan of their own.
 */
public final class SweepMerge {

    /** Rows copied per transaction. */
    private static final int BATCH = 200;

    /** The plan file {@link #missingPlan} writes by default. */
    public static final String MISSING_FILE = "missing.json";

    private SweepMerge() {
    }

    /**
     * What a merge did and what the merged store holds.
     *
     * @param sources   each shard file (or the sink) merged, with the rows read from it and those new to the store
     * @param planned   the run keys of plan.json; empty when the folder has none
     * @param rows      rows in the merged store
     * @param distinct  distinct run keys among them (equal to rows: the key is the primary key)
     * @param statuses  rows per status
     * @param missing   planned keys without any row
     * @param failed    planned keys whose row is a failure
     * @param unplanned rows whose key plan.json does not list (from an earlier plan of the folder)
     * @param codes     results per code that computed them ({@link CodeIdentity#describe}, or "no code identity")
     */
    public record Report(List<Source> sources, Set<String> planned, int rows, int distinct,
                         Map<String, Integer> statuses, List<String> missing, List<String> failed, int unplanned,
                         Map<String, Integer> codes) {

        /** Planned runs without a result: missing or failed. */
        public int toDo() {
            return missing.size() + failed.size();
        }
    }

    /** One place rows came from. */
    public record Source(String name, int read, int written) {
    }

    /**
     * The shard files of a folder, ordered by shard count, then index.
     *
     * @throws UncheckedIOException when the folder cannot be listed
     */
    public static List<Path> shardFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Shard.ofFileName(p.getFileName().toString()) != null && Files.isRegularFile(p))
                    .sorted(Comparator.comparing((Path p) -> Shard.ofFileName(p.getFileName().toString()).count())
                            .thenComparing(p -> Shard.ofFileName(p.getFileName().toString()).index()))
                    .toList();
        } catch (IOException e) {
            throw IoErrors.unchecked("cannot list " + dir, e);
        }
    }

    /**
     * Merges the folder's shard files (and the sink's rows of planned runs) into its results.sqlite.
     *
     * @param sink a PostgreSQL JDBC URL, or null
     * @throws IllegalArgumentException when the folder has no shard file and no sink is given
     */
    public static Report merge(Path dir, String sink) {
        return merge(dir, sink, CodeChange.REFUSE);
    }

    /**
     * As {@link #merge(Path, String)}; when the merged store would hold results of more than one code
     * ({@link CodeIdentity}), {@code codeChanged} decides: REFUSE says how many of each and writes nothing, KEEP
     * merges them (the report counts them). RERUN is for a resume ({@code sweep run}), not a merge.
     *
     * @throws IllegalArgumentException under REFUSE when the codes differ, and for RERUN
     */
    public static Report merge(Path dir, String sink, CodeChange codeChanged) {
        if (codeChanged == CodeChange.RERUN) {
            throw new IllegalArgumentException("sweep merge takes " + CodeChange.OPTION + " refuse or keep; to run "
                    + "the runs of other code again, merge with keep, then resume the sweep with "
                    + CodeChange.OPTION + " rerun");
        }
        List<Path> files = shardFiles(dir);
        if (files.isEmpty() && sink == null) {
            throw new IllegalArgumentException(noShards(dir));
        }
        Set<String> planned = plannedKeys(dir);
        List<Source> sources = new ArrayList<>();
        if (codeChanged == CodeChange.REFUSE) {
            Map<String, Integer> codes = new TreeMap<>();
            if (Files.isRegularFile(dir.resolve(ResultStore.FILE_NAME))) {
                try (ResultStore target = ResultStore.open(dir)) {
                    countCodes(target, codes);
                }
            }
            for (Path f : files) {
                try (ResultStore shard = SqliteStore.openShardFile(f)) {
                    countCodes(shard, codes);
                }
            }
            if (codes.size() > 1) {
                throw new IllegalArgumentException("the results to merge into " + dir.resolve(ResultStore.FILE_NAME)
                        + " were computed by " + codes.size() + " codes: " + describe(codes) + "; rerun with "
                        + CodeChange.OPTION + " keep to merge them all (each record says its code), or rerun "
                        + "the runs of other code first");
            }
        }
        try (ResultStore target = ResultStore.open(dir)) {
            for (Path f : files) {
                try (ResultStore shard = SqliteStore.openShardFile(f)) {
                    sources.add(copy(f.getFileName().toString(), shard, target, null));
                }
            }
            if (sink != null) {
                try (ResultStore store = ResultStore.openSink(sink)) {
                    // A sink may serve several sweeps: take the runs of this one.
                    sources.add(copy(store.location(), store, target, planned));
                }
            }
            return report(sources, planned, target);
        }
    }

    private static Source copy(String name, ResultStore from, ResultStore to, Set<String> only) {
        int[] counts = new int[2];
        List<ResultStore.Row> batch = new ArrayList<>();
        from.forEachRow(row -> {
            counts[0]++;
            if (only == null || only.contains(row.runKey())) {
                batch.add(row);
            }
            if (batch.size() == BATCH) {
                counts[1] += to.merge(batch);
                batch.clear();
            }
        });
        counts[1] += to.merge(batch);
        return new Source(name, counts[0], counts[1]);
    }

    private static Report report(List<Source> sources, Set<String> planned, ResultStore store) {
        Map<String, String> status = new TreeMap<>();
        int[] rows = {0};
        store.forEachRow(r -> {
            rows[0]++;
            status.put(r.runKey(), r.status());
        });
        Map<String, Integer> statuses = new TreeMap<>();
        status.values().forEach(s -> statuses.merge(s, 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String k : planned) {
            String s = status.get(k);
            if (s == null) {
                missing.add(k);
            } else if (s.equals("failed")) {
                failed.add(k);
            }
        }
        int unplanned = (int) status.keySet().stream().filter(k -> !planned.isEmpty() && !planned.contains(k))
                .count();
        Map<String, Integer> codes = new TreeMap<>();
        countCodes(store, codes);
        return new Report(sources, planned, rows[0], status.size(), statuses, missing, failed, unplanned, codes);
    }

    /** Adds a store's results per code (failed rows have no record and no code). */
    private static void countCodes(ResultStore store, Map<String, Integer> codes) {
        store.forEachRow(r -> {
            if (r.recordJson() != null) {
                CodeIdentity c = CodeIdentity.fromRecordJson(r.recordJson());
                codes.merge(c == null ? "no code identity" : c.describe(), 1, Integer::sum);
            }
        });
    }

    /** "30 by code 1a2b... (commit ...), 6 by no code identity". */
    public static String describe(Map<String, Integer> codes) {
        return codes.entrySet().stream().map(e -> e.getValue() + " by " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The planned runs of a folder without a result anywhere (results.sqlite, the shard files, the sink), without
     * writing anything.
     *
     * @param sink a PostgreSQL JDBC URL, or null
     * @throws IllegalArgumentException when the folder has no plan.json
     */
    public static List<String> toDo(Path dir, String sink) {
        Set<String> planned = plannedKeys(dir);
        if (planned.isEmpty()) {
            throw new IllegalArgumentException(noPlan(dir));
        }
        Set<String> finished = new HashSet<>();
        List<Path> stores = new ArrayList<>(shardFiles(dir));
        if (Files.isRegularFile(dir.resolve(ResultStore.FILE_NAME))) {
            try (ResultStore s = ResultStore.open(dir)) {
                finished.addAll(s.finishedKeys());
            }
        }
        for (Path f : stores) {
            try (ResultStore s = SqliteStore.openShardFile(f)) {
                finished.addAll(s.finishedKeys());
            }
        }
        if (sink != null) {
            try (ResultStore s = ResultStore.openSink(sink)) {
                finished.addAll(s.finishedKeys());
            }
        }
        return planned.stream().filter(k -> !finished.contains(k)).toList();
    }

    /**
     * Writes the folder's plan restricted to {@code keys} ({@code only-runs}) as JSON, a plan file that
     * {@code samplex sweep run --plan} takes; run in the same folder, its results join the sweep's.
     *
     * @throws IllegalArgumentException when the folder has no plan.json
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void missingPlan(Path dir, List<String> keys, Path file) {
        Map<?, ?> saved = SweepFolder.savedPlan(dir);
        if (saved == null || !(saved.get("plan") instanceof Map<?, ?> plan)) {
            throw new IllegalArgumentException(noPlan(dir));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        plan.forEach((k, v) -> out.put(String.valueOf(k), v));
        Object was = out.get("description");
        out.put("description", "the " + keys.size() + " runs of " + dir + " without a result"
                + (was == null ? "" : " (" + was + ")"));
        out.put("only-runs", List.copyOf(new TreeSet<>(keys)));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, Json.write(out) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw IoErrors.unchecked("cannot write " + file, e);
        }
    }

    /** The run keys of the folder's plan.json; empty when it has none. */
    static Set<String> plannedKeys(Path dir) {
        Map<?, ?> saved = SweepFolder.savedPlan(dir);
        Set<String> keys = new TreeSet<>();
        if (saved != null && saved.get("runs") instanceof List<?> runs) {
            runs.forEach(k -> keys.add(String.valueOf(k)));
        }
        return keys;
    }

    private static String noShards(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "no sweep folder " + dir + " (give the --out of samplex sweep run --shard I/N)";
        }
        return "no shard files in " + dir + ": expected shard-I-of-N.sqlite, which samplex sweep run --shard I/N "
                + "--out " + dir + " writes (or give --sink for results stored in PostgreSQL)";
    }

    private static String noPlan(Path dir) {
        return "no plan in " + dir + ": " + SweepFolder.PLAN_FILE + " is missing (samplex sweep run --out " + dir
                + " writes it before any run starts)";
    }
}
