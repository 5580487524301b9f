package org.samplex.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;

/**
 * How a rerun's record differs from a stored one, for {@code samplex sweep verify}: the results (everything but
 * wall times, thread counts and provenance) must be the same bits; provenance differences (another JVM, other
 * code) are listed apart, as notes. Both sides are compared in their canonical JSON form, so a float that prints
 * the same is the same float.
 *
 * @param results    the paths where the results differ, with the first difference, e.g.
 *                   "curve[3].test_mse: 0.51234 stored, 0.51301 now"; empty when reproduced bit for bit
 * @param provenance the provenance paths that differ (e.g. "code.fingerprint"), values left out
 */
public record RecordDiff(List<String> results, List<String> provenance) {

    /** Differences listed at most, per side. */
    private static final int MOST = 3;

    /** Whether the results are the same bits. */
    public boolean reproduced() {
        return results.isEmpty();
    }

    /** The stored record's JSON against a new record. */
    public static RecordDiff of(String storedJson, RunRecord now) {
        Map<String, Object> stored = normalized(Json.parse(storedJson));
        Map<String, Object> fresh = normalized(Json.parse(Json.canonical(now.toMap())));
        if (!stored.containsKey("task_shape")) {
            // written before records carried their task's shape, which the spec decides: not a result
            fresh.remove("task_shape");
        }
        Object storedProvenance = stored.remove("provenance");
        Object freshProvenance = fresh.remove("provenance");
        List<String> results = new ArrayList<>();
        diff("", stored, fresh, results, true);
        List<String> provenance = new ArrayList<>();
        diff("", storedProvenance, freshProvenance, provenance, false);
        return new RecordDiff(results, provenance);
    }

    /** The record without what may differ between two faithful runs: wall times and thread counts. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalized(Object record) {
        if (!(record instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a stored record is not a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) m);
        out.remove("wall_seconds");
        if (out.get("backend") instanceof Map<?, ?> b) {
            Map<String, Object> backend = new LinkedHashMap<>((Map<String, Object>) b);
            backend.remove("threads");
            out.put("backend", backend);
        }
        if (out.get("spec") instanceof Map<?, ?> s) {
            Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) s);
            spec.remove("threads");
            out.put("spec", spec);
        }
        return out;
    }

    private static void diff(String path, Object a, Object b, List<String> out, boolean values) {
        if (out.size() >= MOST) {
            return;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            TreeSet<String> keys = new TreeSet<>();
            ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
            mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                diff(path.isEmpty() ? k : path + "." + k, ma.get(k), mb.get(k), out, values);
            }
        } else if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                out.add(path + ": " + la.size() + " entries stored, " + lb.size() + " now");
            }
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                diff(path + "[" + i + "]", la.get(i), lb.get(i), out, values);
            }
        } else if (!Json.canonical(a).equals(Json.canonical(b))) {
            out.add(values ? path + ": " + Json.canonical(a) + " stored, " + Json.canonical(b) + " now" : path);
        }
    }
}
