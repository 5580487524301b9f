package org.samplex.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;

/**
 * Reads back what {@link RunSpec#toMap} and {@link RunRecord#toMap} wrote, as {@link Json#parse} returns it. Every
 * mistake is an {@link IllegalArgumentException} naming the key, so a damaged store row says what is wrong.
 */
final class RecordReader {

    private RecordReader() {
    }

    static RunSpec spec(Map<String, ?> m) {
        RunSpecBuilder b = RunSpec.builder(string(m, "learner"), string(m, "task"))
                // first, so that the values stored below win over the convention's defaults (they are the same)
                .convention(m.get("convention") == null ? null : Convention.of(string(m, "convention")))
                .learnerOptions(options(m, "learner_options"))
                .taskOptions(options(m, "task_options"))
                .seed(integer(m, "seed"));
        for (Setting<?> s : Settings.ALL) {
            if (s == Settings.CONVENTION) {
                continue;
            }
            if (!m.containsKey(s.jsonKey())) {
                if (s.alwaysWritten()) {
                    throw new IllegalArgumentException("key '" + s.jsonKey() + "' is missing");
                }
                continue;
            }
            b.setValue(s, s.cast(m.get(s.jsonKey()), "key '" + s.jsonKey() + "'"));
        }
        return b.build();
    }

    static RunRecord record(Map<String, ?> m) {
        RunSpec spec = spec(map(m, "spec"));
        Status status = status(string(m, "status"));
        Map<String, ?> nstar = map(m, "nstar");
        Map<Double, Long> byThreshold = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : nstar.entrySet()) {
            double t;
            try {
                t = Double.parseDouble(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("key 'nstar' has a key that is not a threshold: " + e.getKey());
            }
            byThreshold.put(t, e.getValue() == null ? null : number("nstar", e.getValue()).longValue());
        }
        List<Crossing> crossings = new ArrayList<>();
        for (double t : spec.thresholds()) {
            if (!byThreshold.containsKey(t)) {
                throw new IllegalArgumentException("key 'nstar' has no entry for threshold " + Json.number(t));
            }
            crossings.add(new Crossing(t, byThreshold.get(t)));
        }
        List<CurvePoint> curve = new ArrayList<>();
        for (Object o : list(m, "curve")) {
            Map<String, ?> p = asMap("curve", o);
            curve.add(new CurvePoint(integer(p, "step"), integer(p, "prompts"), realOrNaN(p, "test_mse"),
                    realOrNaN(p, "train_loss")));
        }
        Map<String, ?> wall = map(m, "wall_seconds");
        Map<String, ?> backend = map(m, "backend");
        @SuppressWarnings("unchecked")
        Map<String, Object> provenance = (Map<String, Object>) map(m, "provenance");
        return new RunRecord(spec, status, crossings, curve, integer(m, "steps"), integer(m, "prompts_seen"),
                real(wall, "train"), real(wall, "eval"), string(backend, "name"), toInt(backend, "threads"),
                integer(m, "parameters"), provenance, artifacts(m), shape(m));
    }

    /** The task's shape; null in a record written before records carried it. */
    private static TaskShape shape(Map<String, ?> m) {
        if (m.get("task_shape") == null) {
            return null;
        }
        Map<String, ?> s = map(m, "task_shape");
        return new TaskShape(toInt(s, "positions"), toInt(s, "input_width"), toInt(s, "content_width"),
                toInt(s, "pointers"));
    }

    private static Map<String, double[][]> artifacts(Map<String, ?> m) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        if (m.get("artifacts") == null) {
            return out;
        }
        for (Map.Entry<String, ?> e : map(m, "artifacts").entrySet()) {
            String key = "artifacts." + e.getKey();
            if (!(e.getValue() instanceof List<?> rows)) {
                throw new IllegalArgumentException("key '" + key + "' must be a list of rows");
            }
            double[][] matrix = new double[rows.size()][];
            for (int i = 0; i < matrix.length; i++) {
                if (!(rows.get(i) instanceof List<?> row)) {
                    throw new IllegalArgumentException("key '" + key + "' must be a list of rows");
                }
                matrix[i] = new double[row.size()];
                for (int j = 0; j < row.size(); j++) {
                    matrix[i][j] = row.get(j) == null ? Double.NaN : number(key, row.get(j)).doubleValue();
                }
            }
            out.put(e.getKey(), matrix);
        }
        return out;
    }

    private static Status status(String label) {
        try {
            return Status.valueOf(label.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key 'status' must be completed, censored or diverged, got " + label);
        }
    }

    /** Options as typed values: integral numbers within int range as Integer (as a schema's INT), others as is. */
    private static Map<String, Object> options(Map<String, ?> m, String key) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : map(m, key).entrySet()) {
            Object v = e.getValue();
            if (v instanceof Long l && l == (int) (long) l) {
                v = (int) (long) l;
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    private static Object required(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("key '" + key + "' is missing");
        }
        return v;
    }

    private static String string(Map<String, ?> m, String key) {
        if (!(required(m, key) instanceof String s)) {
            throw new IllegalArgumentException("key '" + key + "' must be a string, got " + m.get(key));
        }
        return s;
    }

    private static boolean bool(Map<String, ?> m, String key) {
        if (!(required(m, key) instanceof Boolean b)) {
            throw new IllegalArgumentException("key '" + key + "' must be true or false, got " + m.get(key));
        }
        return b;
    }

    private static Number number(String key, Object v) {
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("key '" + key + "' must be a number, got " + v);
        }
        return n;
    }

    private static long integer(Map<String, ?> m, String key) {
        Object v = required(m, key);
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
            throw new IllegalArgumentException("key '" + key + "' must be an integer, got " + v);
        }
        return ((Number) v).longValue();
    }

    private static int toInt(Map<String, ?> m, String key) {
        long v = integer(m, key);
        if (v != (int) v) {
            throw new IllegalArgumentException("key '" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    private static double real(Map<String, ?> m, String key) {
        return number(key, required(m, key)).doubleValue();
    }

    private static double realOrNaN(Map<String, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? Double.NaN : number(key, v).doubleValue();
    }

    private static List<?> list(Map<String, ?> m, String key) {
        if (!(required(m, key) instanceof List<?> l)) {
            throw new IllegalArgumentException("key '" + key + "' must be a list, got " + m.get(key));
        }
        return l;
    }

    private static Map<String, ?> map(Map<String, ?> m, String key) {
        return asMap(key, required(m, key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asMap(String key, Object v) {
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("key '" + key + "' must be an object, got " + v);
        }
        return (Map<String, ?>) v;
    }
}
