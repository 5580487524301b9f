package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void escapesStringsAndNestsValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\"\\path\n\u0001");
        m.put("n", 3);
        m.put("x", Double.NaN);
        m.put("l", Arrays.asList(true, null));
        m.put("e", List.of());
        assertEquals("{\n  \"s\": \"a \\\"quoted\\\"\\\\path\\n\\u0001\",\n  \"n\": 3,\n  \"x\": null,\n"
                + "  \"l\": [\n    true,\n    null\n  ],\n  \"e\": []\n}", Json.write(m));
    }
}
