package org.samplex.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.samplex.api.Services;
import picocli.CommandLine;

/** Runs the command line in-process with captured stdout and stderr. */
final class CliRunner {

    /** Discovered once: the providers on the test module path. */
    static final Services SERVICES = Services.discover();

    record Run(int code, String out, String err) {
    }

    private CliRunner() {
    }

    static Run run(String... args) {
        return run(Samplex.commandLine(SERVICES), args);
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = Samplex.execute(cl, args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * Whether this machine plainly has no NVIDIA driver: no /usr/local/nvidia, libcuda.so.1 in no usual folder
     * and not in the ldconfig cache. Only then may a test insist that the cuda backend's reason names it.
     */
    static boolean noNvidiaDriver() {
        if (Files.exists(Path.of("/usr/local/nvidia"))) {
            return false;
        }
        List<String> dirs = new ArrayList<>(List.of("/lib", "/lib64", "/usr/lib", "/usr/lib64",
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64",
                "/usr/local/cuda/compat"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        for (String d : dirs) {
            if (!d.isBlank() && Files.exists(Path.of(d, "libcuda.so.1"))) {
                return false;
            }
        }
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig")) {
            if (Files.isExecutable(Path.of(exe))) {
                try {
                    Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                    String cache = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    return !cache.contains("libcuda.so.1");
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
