package org.samplex.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibrarySearchTest {

    @TempDir
    Path dir;

    @Test
    void earlierDirectoriesWin() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Files.createFile(b.resolve("libx.so.1"));
        LibrarySearch s = new LibrarySearch(List.of(a), List.of(b), false);
        assertEquals(b.resolve("libx.so.1"), s.find("libx.so.1").orElseThrow().path());
        assertEquals("standard dir", s.find("libx.so.1").orElseThrow().via());

        Files.createFile(a.resolve("libx.so.1"));
        assertEquals(a.resolve("libx.so.1"), s.find("libx.so.1").orElseThrow().path());
        assertEquals("LD_LIBRARY_PATH", s.find("libx.so.1").orElseThrow().via());
        assertTrue(s.find("liby.so.1").isEmpty());
        assertTrue(new LibrarySearch(List.of(dir.resolve("missing")), List.of(), false).find("libx.so.1").isEmpty());
    }

    @Test
    void parsesLdconfigOutputForThisArchitecture() {
        String arch = System.getProperty("os.arch");
        String flags = arch.equals("aarch64") ? "libc6,AArch64" : "libc6,x86-64";
        Map<String, Path> m = LibrarySearch.parseLdconfig(List.of(
                "1234 libs found in cache `/etc/ld.so.cache'",
                "\tlibcudart.so.13 (" + flags + ") => /opt/cuda/lib/libcudart.so.13",
                "\tlibcudart.so.13 (" + flags + ") => /second/libcudart.so.13",
                "\tlibc.so.6 (" + flags + ", OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6"));
        assertEquals(Path.of("/opt/cuda/lib/libcudart.so.13"), m.get("libcudart.so.13"));
        assertEquals(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), m.get("libc.so.6"));
        assertNull(m.get("1234"));
        if (arch.equals("amd64")) {
            assertNull(LibrarySearch.parseLdconfig(List.of("\tlibz.so.1 (libc6) => /usr/lib32/libz.so.1"))
                    .get("libz.so.1"), "32-bit entries are not for this JVM");
        }
    }

    @Test
    void readsConfDirectories() throws IOException {
        Files.writeString(dir.resolve("b.conf"), "# comment\n/opt/b/lib\n\ninclude /etc/other/*.conf\n");
        Files.writeString(dir.resolve("a.conf"), "/opt/a/lib\n");
        Files.writeString(dir.resolve("ignored.txt"), "/opt/ignored\n");
        assertEquals(List.of("/opt/a/lib", "/opt/b/lib"), LibrarySearch.confDirs(dir));
        assertEquals(List.of(), LibrarySearch.confDirs(dir.resolve("absent")));
    }
}
