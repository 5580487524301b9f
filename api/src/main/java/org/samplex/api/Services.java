package org.samplex.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;

/**
 * Discovery of backends, learners and tasks with {@link ServiceLoader}, in the boot layer (module path or class
 * path) or in any module layer. Discovery never loads natives and never throws for a broken provider: the
 * provider is skipped and the failure kept in {@link #problems()}.
 */
public final class Services {

    /** A discovered provider with where it came from. */
    public record Found<T>(T provider, String name, String module, String version) {
    }

    private final List<Found<BackendProvider>> backends;
    private final List<Found<LearnerProvider>> learners;
    private final List<Found<TaskProvider>> tasks;
    private final List<String> problems = new ArrayList<>();

    private Services(Function<Class<?>, ServiceLoader<?>> loader) {
        this.backends = load(loader, BackendProvider.class, BackendProvider::name);
        this.learners = load(loader, LearnerProvider.class, LearnerProvider::name);
        this.tasks = load(loader, TaskProvider.class, TaskProvider::name);
    }

    /** Providers visible to this module (the boot layer, or the class path when run there). */
    public static Services discover() {
        return new Services(ServiceLoader::load);
    }

    /** Providers in {@code layer} and its parents. */
    public static Services discover(ModuleLayer layer) {
        return new Services(c -> ServiceLoader.load(layer, c));
    }

    @SuppressWarnings("unchecked")
    private <T> List<Found<T>> load(Function<Class<?>, ServiceLoader<?>> loader, Class<T> type,
                                    Function<T, String> nameOf) {
        Map<String, Found<T>> byName = new LinkedHashMap<>();
        ServiceLoader<T> sl = (ServiceLoader<T>) loader.apply(type);
        var it = sl.stream().iterator();
        while (true) {
            ServiceLoader.Provider<T> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add(type.getSimpleName() + ": " + e.getMessage());
                continue;
            }
            try {
                T provider = p.get();
                String name = nameOf.apply(provider);
                Module m = p.type().getModule();
                String module = m.isNamed() ? m.getName() : "(class path)";
                String version = m.getDescriptor() != null && m.getDescriptor().rawVersion().isPresent()
                        ? m.getDescriptor().rawVersion().get()
                        : Optional.ofNullable(p.type().getPackage().getImplementationVersion()).orElse("dev");
                Found<T> f = new Found<>(provider, name, module, version);
                Found<T> prev = byName.putIfAbsent(name, f);
                if (prev != null) {
                    problems.add(type.getSimpleName() + " '" + name + "' from " + module + " ignored: the name is "
                            + "already provided by " + prev.module());
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(type.getSimpleName() + " " + p.type().getName() + " failed to load: " + e);
            }
        }
        List<Found<T>> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparing(Found::name));
        return List.copyOf(out);
    }

    public List<Found<BackendProvider>> backends() {
        return backends;
    }

    public List<Found<LearnerProvider>> learners() {
        return learners;
    }

    public List<Found<TaskProvider>> tasks() {
        return tasks;
    }

    /** Providers that failed to load, one line each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public BackendProvider backend(String name) {
        return pick(backends, name, "backend").provider();
    }

    public LearnerProvider learner(String name) {
        return pick(learners, name, "learner").provider();
    }

    public TaskProvider task(String name) {
        return pick(tasks, name, "task").provider();
    }

    private static <T> Found<T> pick(List<Found<T>> all, String name, String kind) {
        for (Found<T> f : all) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; available: "
                + (all.isEmpty() ? "none" : all.stream().map(Found::name).collect(Collectors.joining(", "))));
    }

    /** The outcome of choosing a backend: the provider and a sentence saying why it was chosen. */
    public record BackendChoice(BackendProvider provider, Probe probe, String explanation) {
    }

    /**
     * Chooses a backend: by name (which must be available), or for "auto" the available one of highest rank,
     * explaining which higher-ranked backends were passed over and why.
     *
     * @throws IllegalArgumentException     for an unknown name, listing the known ones
     * @throws BackendUnavailableException when a named backend cannot run here, with its reason
     */
    public BackendChoice chooseBackend(String name) {
        if (!"auto".equals(name)) {
            BackendProvider p = backend(name);
            Probe probe = p.probe();
            if (!probe.available()) {
                throw new BackendUnavailableException(name, probe.reason());
            }
            return new BackendChoice(p, probe, "backend " + name + ": " + probe.reason());
        }
        List<Found<BackendProvider>> ranked = new ArrayList<>(backends);
        ranked.sort(Comparator.comparingInt((Found<BackendProvider> f) -> f.provider().rank()).reversed());
        List<String> passed = new ArrayList<>();
        for (Found<BackendProvider> f : ranked) {
            Probe probe = f.provider().probe();
            if (probe.available()) {
                String why = passed.isEmpty() ? "" : " (" + String.join("; ", passed) + ")";
                return new BackendChoice(f.provider(), probe, "backend auto -> " + f.name() + why);
            }
            passed.add(f.name() + " unavailable: " + probe.reason());
        }
        throw new BackendUnavailableException("auto", "no backend is available: " + String.join("; ", passed));
    }
}
