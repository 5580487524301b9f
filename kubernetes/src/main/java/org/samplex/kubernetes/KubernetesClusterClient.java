package org.samplex.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.samplex.sweep.ClusterClient;

/**
 * Creates a manifest's objects with the fabric8 client, configured as kubectl is (KUBECONFIG, ~/.kube/config,
 * or the service account of the pod it runs in). Objects are created, never replaced: a Job's pod template cannot
 * change, so an existing Job of the same name is an error that says what to do.
 */
public final class KubernetesClusterClient implements ClusterClient {

    static {
        // fabric8 logs through SLF4J, and samplex ships no SLF4J binding: no warning about it on stderr.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private final Supplier<KubernetesClient> clients;

    /** The client of the usual configuration (for ServiceLoader). */
    public KubernetesClusterClient() {
        this(() -> new KubernetesClientBuilder().build());
    }

    /** A client from {@code clients}, which this closes after each use (tests give a mock server's). */
    KubernetesClusterClient(Supplier<KubernetesClient> clients) {
        this.clients = clients;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public List<String> create(String manifest, String namespace) {
        try (KubernetesClient client = clients.get()) {
            String where = namespace != null ? namespace : client.getNamespace();
            var objects = client.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)));
            List<HasMetadata> created = (namespace != null ? objects.inNamespace(namespace) : objects).create();
            return created.stream().map(o -> o.getKind().toLowerCase(Locale.ROOT) + "/" + o.getMetadata().getName()
                    + " created in namespace " + (o.getMetadata().getNamespace() != null
                    ? o.getMetadata().getNamespace() : where)).toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                throw new IllegalArgumentException("the cluster already has an object of the manifest (" + message(e)
                        + "): delete it (kubectl delete -f MANIFEST) or choose another --name", e);
            }
            if (e.getCode() >= 400) {
                throw new IllegalArgumentException("the cluster refused the manifest: " + message(e), e);
            }
            throw new UncheckedIOException("cannot reach the cluster: " + message(e), new IOException(e));
        }
    }

    /** The API server's message, else the client's with its innermost cause (a refused connection, say). */
    private static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
