package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeIdentityTest {

    @TempDir
    Path dir;

    @Test
    void theHashOfAFolderOfClassesFollowsTheClassBytesAndNothingElse() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/org/x"));
        Files.write(classes.resolve("A.class"), new byte[] {1, 2, 3});
        String before = CodeIdentity.hashClasses(dir.resolve("classes"));
        Files.writeString(classes.resolve("code-identity.properties"), "commit=abc\n");
        assertEquals(before, CodeIdentity.hashClasses(dir.resolve("classes")), "resources do not count");
        Files.write(classes.resolve("A.class"), new byte[] {1, 2, 4});
        assertNotEquals(before, CodeIdentity.hashClasses(dir.resolve("classes")), "a changed class counts");
    }

    @Test
    void theIdentityNamesEachModuleAndSurvivesTheProvenanceRoundTrip() {
        CodeIdentity id = CodeIdentity.of(Json.class);
        assertTrue(id.fingerprint().matches("[0-9a-f]{64}"), id.fingerprint());
        assertTrue(id.modules().keySet().stream().anyMatch(m -> m.contains("org.samplex.api")), id.modules().toString());
        assertTrue(List.of("true", "false", "unknown").contains(id.dirty()), id.dirty());
        assertEquals(id, CodeIdentity.fromProvenance(java.util.Map.of("code", Json.parse(Json.canonical(id.toMap())))));
        assertEquals(id.fingerprint(), CodeIdentity.of(Json.class).fingerprint(), "the same code, the same print");
    }
}
