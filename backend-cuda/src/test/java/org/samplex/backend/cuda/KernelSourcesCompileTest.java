package org.samplex.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every kernel source with nvcc when it is on the PATH (no GPU needed), so a kernel that does not compile
 * fails the build on any machine with the CUDA toolkit: a CUBIN for sm_90 (the H200 the project targets) and PTX
 * for compute_75, a portable target. Skipped, saying so, where nvcc is absent.
 */
class KernelSourcesCompileTest {
    private static final long TIMEOUT_S = 300;

    @TempDir
    Path dir;

    static Optional<Path> nvcc() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(":")) {
            if (!d.isBlank()) {
                Path p = Path.of(d, "nvcc");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void everyFamilyHasItsSource() {
        for (String family : KernelCompiler.FAMILIES) {
            assertTrue(KernelCompiler.source(family).contains("extern \"C\" __global__"), family);
        }
    }

    @Test
    void everyKernelSourceCompilesWithNvcc() throws Exception {
        Optional<Path> nvcc = nvcc();
        assumeTrue(nvcc.isPresent(), "nvcc is not on the PATH: the CUDA kernel sources were not compiled here");
        List<String> failures = new ArrayList<>();
        for (String family : KernelCompiler.FAMILIES) {
            Path cu = dir.resolve(family + ".cu");
            Files.writeString(cu, KernelCompiler.source(family), StandardCharsets.UTF_8);
            compile(nvcc.get(), failures, family, "-arch=sm_90", "-cubin", "-o", dir.resolve(family + ".cubin"), cu);
            compile(nvcc.get(), failures, family, "-arch=compute_75", "-ptx", "-o", dir.resolve(family + ".ptx"), cu);
        }
        assertEquals(List.of(), failures);
        for (String family : KernelCompiler.FAMILIES) {
            assertTrue(Files.size(dir.resolve(family + ".cubin")) > 0, family);
        }
    }

    private static void compile(Path nvcc, List<String> failures, String family, Object... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-Werror", "all-warnings"));
        for (Object a : args) {
            command.add(a.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            failures.add(family + ": nvcc timed out");
        } else if (p.exitValue() != 0) {
            failures.add(family + " (" + String.join(" ", command.subList(3, command.size())) + "): "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }
}
