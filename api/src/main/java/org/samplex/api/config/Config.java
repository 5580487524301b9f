package org.samplex.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validated hyperparameter values, made by {@link Schema#validate}. Values are Integer, Double, Boolean or String.
 *
 * @param owner  what the values configure, for messages
 * @param values name to value, in schema order
 */
public record Config(String owner, Map<String, Object> values) {

    public Config {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int getInt(String name) {
        return (Integer) require(name);
    }

    public double getReal(String name) {
        return (Double) require(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    public String getChoice(String name) {
        return (String) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(owner + ": parameter '" + name + "' has no value");
        }
        return v;
    }
}
