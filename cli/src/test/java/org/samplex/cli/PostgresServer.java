package org.samplex.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, from the machine's binaries (Debian's postgresql package: initdb, pg_ctl
 * and postgres in /usr/lib/postgresql/VERSION/bin or on PATH): a fresh cluster in a temporary folder, trust
 * authentication for user samplex, listening on a free loopback port only, stopped and deleted by {@link #close}.
 * initdb refuses to run as root: as root, the server runs as the user postgres (or nobody), which owns its folder.
 */
final class PostgresServer implements AutoCloseable {

    private static final long STEP_TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path root;
    private final List<String> asUser;
    private final int port;

    private PostgresServer(Path bin, Path root, List<String> asUser, int port) {
        this.bin = bin;
        this.root = root;
        this.asUser = asUser;
        this.port = port;
    }

    /** The JDBC URL of database postgres as user samplex. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=samplex";
    }

    /**
     * Starts a server.
     *
     * @throws IllegalStateException saying why, when there are no binaries or the server does not start
     */
    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("no PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or "
                    + "on PATH; .ci/run installs Debian's postgresql package with apt");
        }
        List<String> asUser = List.of();
        Path root = Files.createTempDirectory("samplex-pg-");
        if (isRoot()) {
            String user = userExists("postgres") ? "postgres" : "nobody";
            asUser = List.of("setpriv", "--reuid=" + user, "--regid=" + group(user), "--init-groups", "--");
            UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(root, owner);
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, root, asUser, port);
        try {
            server.run("initdb", "-D", root.resolve("data").toString(), "-U", "samplex", "--auth=trust",
                    "-E", "UTF8", "--no-instructions");
            server.run("pg_ctl", "-D", root.resolve("data").toString(), "-l", root.resolve("log").toString(), "-w",
                    "-t", "60", "-o", "-p " + port + " -h 127.0.0.1 -k " + root + " -F", "start");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(asUser);
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(tool + " did not finish in " + STEP_TIMEOUT_SECONDS + " s: " + out);
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(root.resolve("log")) ? Files.readString(root.resolve("log")) : "";
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out + log);
        }
    }

    /** Stops the server at once (it holds nothing worth flushing) and deletes its folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(root.resolve("data").resolve("postmaster.pid"))) {
                run("pg_ctl", "-D", root.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Path binaries() throws IOException {
        List<Path> candidates = new ArrayList<>();
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isBlank()) {
                    candidates.add(Path.of(d));
                }
            }
        }
        for (Path d : candidates) {
            if (Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl"))
                    && Files.isExecutable(d.resolve("postgres"))) {
                return d.toRealPath();
            }
        }
        return null;
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        return "0".equals(output("id", "-u"));
    }

    private static boolean userExists(String user) throws IOException, InterruptedException {
        return !output("id", "-u", user).isEmpty();
    }

    private static String group(String user) throws IOException, InterruptedException {
        return output("id", "-g", user);
    }

    private static String output(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? out : "";
    }
}
