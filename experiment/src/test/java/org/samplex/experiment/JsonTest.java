package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void escapesStringsSortsKeysAndNestsValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\"\\path\n\u0001");
        m.put("n", 3);
        m.put("x", Double.NaN);
        m.put("l", Arrays.asList(true, null));
        m.put("e", List.of());
        assertEquals("{\n  \"e\": [],\n  \"l\": [\n    true,\n    null\n  ],\n  \"n\": 3,\n"
                + "  \"s\": \"a \\\"quoted\\\"\\\\path\\n\\u0001\",\n  \"x\": null\n}", Json.write(m));
        assertEquals("{\"e\":[],\"l\":[true,null],\"n\":3,\"s\":\"a \\\"quoted\\\"\\\\path\\n\\u0001\",\"x\":null}",
                Json.canonical(m));
    }

    @Test
    void keysAreSortedByUtf16CodeUnitsAtEveryDepth() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 1);
        inner.put("B", 2);
        inner.put("a", 3);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", inner);
        m.put("10", 0);
        m.put("9", 0);
        assertEquals("{\"10\":0,\"9\":0,\"z\":{\"B\":2,\"a\":3,\"b\":1}}", Json.canonical(m));
    }

    @Test
    void doublesAreWrittenAsEcmaScriptWritesThem() {
        // Expected strings are what JavaScript's String(x) gives for these doubles (RFC 8785, appendix B).
        Object[][] cases = {
            {0.7, "0.7"}, {64.0, "64"}, {1e-3, "0.001"}, {1e-6, "0.000001"}, {1e-7, "1e-7"},
            {1.5e-7, "1.5e-7"}, {1e21, "1e+21"}, {1e20, "100000000000000000000"}, {-0.0, "0"},
            {123.456, "123.456"}, {-2.5, "-2.5"}, {0.1 + 0.2, "0.30000000000000004"},
            {Double.MIN_VALUE, "5e-324"}, {Double.MAX_VALUE, "1.7976931348623157e+308"},
            {333333333.3333332, "333333333.3333332"}, {1e-30, "1e-30"}, {4.35, "4.35"},
            {9007199254740992.0, "9007199254740992"}, {295147905179352830000.0, "295147905179352830000"},
        };
        for (Object[] c : cases) {
            double d = (Double) c[0];
            assertEquals(c[1], Json.number(d), "for " + d);
            assertEquals(d == 0 ? 0.0 : d, Double.parseDouble((String) c[1]), "reads back exactly");
        }
        assertEquals("0.1", Json.canonical(0.1f), "a float keeps its own shortest digits");
        assertEquals("[1,2,3.5]", Json.canonical(List.of(1, 2L, 3.5)));
        assertThrows(IllegalArgumentException.class, () -> Json.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void parseReadsWhatWriteWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1L, -2.5, "x\ty\u0007", true, false));
        m.put("b", Map.of("nested", List.of()));
        m.put("c", null);
        m.put("d", "\u00e9\u4e2d");
        Object back = Json.parse(Json.write(m));
        assertEquals(m, back);
        assertEquals(m, Json.parse(Json.canonical(m)));
        assertEquals(List.of(1e-7, 100L, 1.0E21), Json.parse(" [1e-7, 100, 1e+21] "));
        assertEquals("\u00e9/", Json.parse("\"\\u00e9\\/\""));
    }

    @Test
    void parseRejectsMalformedInputNamingTheOffset() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "nul", "\"x", "[1] 2",
                "{\"a\":1,\"a\":2}", "-"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
    }
}
