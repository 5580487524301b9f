/**
 * Optional: the Kubernetes client of {@code samplex sweep submit k8s --apply} (fabric8, with the JDK's HTTP
 * client). Nothing in samplex requires this module; the cli finds it through {@code ClusterClient.find}.
 */
module org.samplex.kubernetes {
    requires org.samplex.sweep;
    requires kubernetes.client.api;
    requires kubernetes.model.common;
    requires kubernetes.model.core;

    provides org.samplex.sweep.ClusterClient with org.samplex.kubernetes.KubernetesClusterClient;
}
