package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.samplex.api.Plugins;

class EnvironmentPluginsTest {

    @AfterEach
    void forget() {
        Environment.usePlugins(List.of());
    }

    @Test
    void loadedPluginsBecomeFactsWithTheirHash() {
        String sha = "ab".repeat(32);
        Environment.usePlugins(List.of(new Plugins.Plugin(Path.of("/p/linear-attention-0.1.0.jar"),
                "org.example.linear", "0.1.0", "0.1.0", sha, ModuleLayer.boot())));
        Map<String, String> f = Environment.current().facts();
        assertEquals("org.example.linear 0.1.0, sha256 " + sha, f.get("plugin.linear-attention-0.1.0.jar"));
        assertTrue(Environment.current().lines().contains("plugin.linear-attention-0.1.0.jar: org.example.linear "
                + "0.1.0, sha256 " + sha));

        Environment.usePlugins(List.of());
        assertFalse(Environment.current().facts().keySet().stream().anyMatch(k -> k.startsWith("plugin.")));
    }
}
