package org.samplex.api.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The hyperparameters a learner or task accepts. {@link #validate} turns user input into a {@link Config}
 * before any run starts, so a bad value is a clear error and never a failure halfway through a sweep.
 *
 * @param owner      what the schema belongs to, for messages ("learner 'transformer'")
 * @param parameters the parameters in display order
 */
public record Schema(String owner, List<Hyperparameter> parameters) {

    public Schema {
        parameters = List.copyOf(parameters);
        Map<String, Hyperparameter> seen = new LinkedHashMap<>();
        for (Hyperparameter p : parameters) {
            if (seen.put(p.name(), p) != null) {
                throw new IllegalArgumentException(owner + " declares parameter '" + p.name() + "' twice");
            }
        }
    }

    public static Schema of(String owner, Hyperparameter... parameters) {
        return new Schema(owner, List.of(parameters));
    }

    /** The parameter called {@code name}, or an error naming the accepted ones. */
    public Hyperparameter parameter(String name) {
        for (Hyperparameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown parameter '" + name + "' for " + owner + "; accepted: "
                + (parameters.isEmpty() ? "none" : parameters.stream().map(Hyperparameter::name)
                .collect(Collectors.joining(", "))));
    }

    /**
     * Checks {@code values} (Strings from the command line or typed values from a plan file) and fills in
     * defaults. Parameters whose default is null and that are not given stay absent from the config.
     *
     * @throws IllegalArgumentException for an unknown name or a value out of range, naming both
     */
    public Config validate(Map<String, ?> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Hyperparameter p = parameter(e.getKey());
            try {
                out.put(p.name(), p.check(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(owner + ": " + ex.getMessage(), ex);
            }
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (Hyperparameter p : parameters) {
            Object v = out.containsKey(p.name()) ? out.get(p.name()) : p.defaultValue();
            if (v != null) {
                ordered.put(p.name(), v);
            }
        }
        return new Config(owner, ordered);
    }

    /** Every parameter at its default. */
    public Config defaults() {
        return validate(Map.of());
    }
}
