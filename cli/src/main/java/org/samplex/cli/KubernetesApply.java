package org.samplex.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.samplex.sweep.ClusterClient;

/**
 * {@code samplex sweep submit k8s --apply}: finds the Kubernetes client (module org.samplex.kubernetes, with
 * fabric8's jars) and creates a manifest's objects with it. The client is not on the CLI's module path (it would
 * add 20 MB to every start and every bundle); it is loaded, only here, from its folder into a module layer.
 */
final class KubernetesApply {

    /** The environment variable that names the client's folder. */
    static final String LIB_VARIABLE = "SAMPLEX_KUBERNETES_LIB";

    private KubernetesApply() {
    }

    /**
     * Creates the objects of {@code manifest}.
     *
     * @param lib the client's folder, or null for $SAMPLEX_KUBERNETES_LIB, else kubernetes/target/lib of the
     *            build this CLI comes from
     * @return one line per object created
     * @throws IllegalArgumentException when no client is found, saying where it looked
     */
    static List<String> create(String manifest, String namespace, Path lib) {
        Path folder = lib != null ? lib : defaultFolder();
        ClusterClient client = ClusterClient.find("kubernetes", folder).orElseThrow(() ->
                new IllegalArgumentException("option '--apply' needs the Kubernetes client (module "
                        + "org.samplex.kubernetes and fabric8's jars), which is not on the module path nor in "
                        + (folder == null ? "a folder (none found)" : folder) + ": build it with ./mvnw -pl kubernetes "
                        + "-am package, point --client-lib or " + LIB_VARIABLE + " at its target/lib, or create "
                        + "the objects with kubectl apply -f on the manifest"));
        return client.create(manifest, namespace);
    }

    /** $SAMPLEX_KUBERNETES_LIB, else ROOT/kubernetes/target/lib beside the cli module this class comes from. */
    private static Path defaultFolder() {
        String env = System.getenv(LIB_VARIABLE);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            // cli/target/samplex-cli-VERSION.jar or cli/target/classes: two levels up is the project's root.
            Path here = Path.of(KubernetesApply.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = here.toAbsolutePath().getParent().getParent().getParent();
            Path folder = root.resolve("kubernetes").resolve("target").resolve("lib");
            return Files.isDirectory(folder) ? folder : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
