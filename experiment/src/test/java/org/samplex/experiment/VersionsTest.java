package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionsTest {

    @Test
    void aVersionedModuleGivesItsVersion() {
        String base = Versions.of(String.class);
        assertTrue(base.startsWith(Integer.toString(Runtime.version().feature())), base);
    }

    @Test
    void runKeysAndProvenanceUseTheExperimentModulesVersion() {
        assertEquals(Versions.of(OnlineProtocol.class), RunKeys.samplexVersion());
        assertTrue(!RunKeys.samplexVersion().isBlank());
    }
}
