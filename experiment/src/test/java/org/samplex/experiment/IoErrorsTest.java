package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoErrorsTest {

    @TempDir
    Path dir;

    @Test
    void theOperatingSystemsReasonIsSaidInLowerCaseAfterTheFile() {
        assertEquals("/data/runs: read-only file system",
                IoErrors.cause(new FileSystemException("/data/runs", null, "Read-only file system")));
        assertEquals("no space left on device", IoErrors.cause(new IOException("No space left on device")));
    }

    @Test
    void aFileWhereAFolderShouldBeIsSaidSo() throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "x");
        assertEquals(file + " is a file, not a folder",
                IoErrors.cause(new FileAlreadyExistsException(file.toString())));
        assertEquals(file + " is a file, not a folder", IoErrors.whyNotWritable(file));
    }

    @Test
    void bytesThatAreNotTextAreCalledThat() {
        assertEquals("not UTF-8 text (a binary file?)", IoErrors.cause(new MalformedInputException(1)));
    }

    @Test
    void aWritableFolderHasNoProblem() {
        assertNull(IoErrors.whyNotWritable(dir));
        assertEquals(dir.resolve("missing") + ": no such folder", IoErrors.whyNotWritable(dir.resolve("missing")));
    }
}
