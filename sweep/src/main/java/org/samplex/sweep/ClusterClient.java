package org.samplex.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.LayerInstantiationException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A client of a cluster's API that creates the objects of a manifest that samplex wrote (a Kubernetes Indexed
 * Job). The manifest itself is plain text written by samplex, so writing one needs no client; applying it does.
 * The Kubernetes client (fabric8, about 20 MB of jars) lives in the optional module {@code org.samplex.kubernetes},
 * which the core modules never depend on: it is found on the module path, or loaded from its folder into a
 * module layer of its own ({@link #find}).
 */
public interface ClusterClient {

    /** The cluster kind, e.g. "kubernetes". */
    String name();

    /**
     * Creates the objects of a YAML manifest, with the client's usual configuration (KUBECONFIG, ~/.kube/config,
     * or the service account of the pod it runs in).
     *
     * @param namespace where to create them; null for the configuration's namespace
     * @return one line per object created, such as {@code job.batch/samplex-sweep created in namespace default}
     * @throws IllegalArgumentException when the manifest cannot be read or the cluster refuses it, saying why
     * @throws java.io.UncheckedIOException when the cluster cannot be reached
     */
    List<String> create(String manifest, String namespace);

    /**
     * The client of a cluster kind: from the module path (or class path) when it is there, else from the modular
     * jars in {@code folder}, loaded into a layer of their own above the boot layer (modules that the boot layer
     * has already, such as snakeyaml-engine, are taken from it).
     *
     * @param folder the optional module's jars with their dependencies, or null to look on the module path only
     */
    static Optional<ClusterClient> find(String name, Path folder) {
        Optional<ClusterClient> here = ServiceLoader.load(ClusterClient.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst();
        if (here.isPresent() || folder == null || !Files.isDirectory(folder)) {
            return here;
        }
        ModuleLayer boot = ModuleLayer.boot();
        ModuleFinder jars = ModuleFinder.of(folder);
        ModuleFinder newOnly = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String module) {
                return boot.findModule(module).isPresent() ? Optional.empty() : jars.find(module);
            }

            @Override
            public Set<ModuleReference> findAll() {
                return jars.findAll().stream().filter(r -> boot.findModule(r.descriptor().name()).isEmpty())
                        .collect(Collectors.toSet());
            }
        };
        ModuleLayer layer;
        try {
            Set<String> roots = newOnly.findAll().stream().map(r -> r.descriptor().name())
                    .collect(Collectors.toSet());
            Configuration configuration = boot.configuration().resolveAndBind(newOnly, ModuleFinder.of(), roots);
            layer = boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new UncheckedIOException("cannot load the " + name + " client from " + folder + ": "
                    + e.getMessage(), new IOException(e));
        }
        return ServiceLoader.load(layer, ClusterClient.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.name().equals(name)).findFirst();
    }
}
