package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    @Test
    void reportsTheKeyFactsNonEmptyAndInOrder() {
        Environment env = Environment.current();
        Map<String, String> f = env.facts();
        for (String key : List.of("jdk.version", "jdk.vendor", "java.home", "os.name", "os.version", "os.arch",
                "cpu.model", "cpu.processors", "heap.max")) {
            assertTrue(f.containsKey(key), key);
            assertFalse(f.get(key).isBlank(), key);
        }
        assertEquals(Runtime.version().toString(), f.get("jdk.version"));
        assertEquals(Runtime.getRuntime().availableProcessors(), Integer.parseInt(f.get("cpu.processors")));
        List<String> lines = env.lines();
        assertEquals(f.size(), lines.size());
        assertEquals("jdk.version: " + Runtime.version(), lines.getFirst());
        assertThrows(UnsupportedOperationException.class, () -> f.put("x", "y"));
    }

    @Test
    void cpuModelComesFromTheFirstModelNameLine() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: GenuineIntel",
                "model name\t: Intel(R) Xeon(R)   Platinum 8480+", "processor\t: 1", "model name\t: Other");
        assertEquals("Intel(R) Xeon(R) Platinum 8480+", Environment.cpuModel(cpuinfo, "amd64"));
        assertEquals("aarch64", Environment.cpuModel(List.of("processor\t: 0", "BogoMIPS\t: 50.00"), "aarch64"));
        assertEquals("amd64", Environment.cpuModel(List.of("model name\t:   "), "amd64"));
    }
}
