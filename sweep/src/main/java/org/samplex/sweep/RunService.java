package org.samplex.sweep;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.Services;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.MemoryEstimate;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.PackedProtocol;
import org.samplex.experiment.PackKeys;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.TrainingSession;
import org.samplex.experiment.metering.Bench;
import org.samplex.experiment.metering.BenchResult;
import org.samplex.experiment.metering.BenchSettings;

/**
 * The providers as a sweep uses them: resolving specs, naming the backend "auto" picks, the option behind a task's
 * N and q, running one spec, probing and counting. {@link #of(Services)} is the real one; tests may give their own
 * learners and tasks.
 */
public interface RunService {

    /** The probe of {@link #probe}: 3 warm-up steps and at least 0.2 s of them, then 10 timed steps. */
    BenchSettings PROBE = new BenchSettings(3, 10, 0, false, 0.2);

    /** The spec checked against its learner's and task's schemas, defaults filled in (OnlineProtocol.resolve). */
    RunSpec resolve(RunSpec spec);

    /** The names of a learner's options (for spreading options given for every learner). */
    Set<String> learnerOptionNames(String learner);

    /**
     * The backend a name stands for: itself when it can run here, the chosen one for "auto".
     *
     * @throws org.samplex.api.BackendUnavailableException when it cannot run here
     */
    String backend(String requested);

    /** Runs a resolved spec on its own backend with the spec's threads, closing everything it opened. */
    RunRecord run(RunSpec resolvedSpec, ProgressListener listener);

    /**
     * The key under which resolved specs may train in one pack ({@link PackKeys#key}); null when this one
     * cannot be packed (the default: a service that cannot pack).
     */
    default String packKey(RunSpec resolvedSpec) {
        return null;
    }

    /**
     * Whether the backend a name stands for computes with host threads ({@link BackendProvider#hostThreads}): a
     * sweep then packs at most as many runs as a run has threads. False by default.
     */
    default boolean hostThreads(String backend) {
        return false;
    }

    /**
     * Trains resolved specs with one {@link #packKey} (at least 2), and the runs the feed gives for freed slots,
     * as one pack on their own backend ({@link PackedProtocol}); each run's end goes to the feed. A wrapper that
     * changes {@link #run} must change this too, or return null from {@link #packKey}.
     *
     * @throws UnsupportedOperationException when this service cannot pack (its {@link #packKey} is always null)
     */
    default void runPacked(List<RunSpec> resolvedSpecs, PackedProtocol.Feed feed) {
        throw new UnsupportedOperationException("this run service cannot train runs packed");
    }

    /**
     * The option of task {@code task} that sets an axis of its shape ({@link TaskProvider#axisOption}); null when
     * it has none.
     */
    String axisOption(String task, TaskShape.Axis axis);

    /** The learner's scalar parameter count for a resolved spec, for cost estimates. */
    long parameterCount(RunSpec resolvedSpec);

    /**
     * What a short probe measures on this machine for a resolved spec: seconds per training step and per
     * evaluation of 1,000 test prompts, after a few warm-up steps; null when this trainer cannot probe.
     */
    default Probe probe(RunSpec resolvedSpec, int threads) {
        return null;
    }

    /**
     * The identity of the code that would run a resolved spec (its learner's, task's and backend's modules, with
     * api and experiment); null when this trainer cannot tell, and then stored runs are not compared.
     */
    default CodeIdentity codeIdentity(RunSpec resolvedSpec) {
        return null;
    }

    /** A probe's timings. */
    record Probe(double secondsPerStep, double secondsPer1000TestPrompts) {
    }

    /** The trainer of the providers that {@code services} found. */
    static RunService of(Services services) {
        return new RunService() {
            @Override
            public RunSpec resolve(RunSpec spec) {
                return OnlineProtocol.resolve(spec, services);
            }

            @Override
            public Set<String> learnerOptionNames(String learner) {
                return services.learner(learner).schema().parameters().stream().map(Hyperparameter::name)
                        .collect(Collectors.toUnmodifiableSet());
            }

            @Override
            public String axisOption(String task, TaskShape.Axis axis) {
                return services.task(task).axisOption(axis);
            }

            @Override
            public String backend(String requested) {
                return services.chooseBackend(requested).provider().name();
            }

            @Override
            public RunRecord run(RunSpec resolvedSpec, ProgressListener listener) {
                return OnlineProtocol.run(resolvedSpec, services, listener);
            }

            @Override
            public String packKey(RunSpec resolvedSpec) {
                LearnerProvider learner = services.learner(resolvedSpec.learner());
                TrainingSession.Setup setup = TrainingSession.setUp(resolvedSpec, learner,
                        services.task(resolvedSpec.task()));
                return PackKeys.key(setup.spec(), setup.task().shape(), learner);
            }

            @Override
            public void runPacked(List<RunSpec> resolvedSpecs, PackedProtocol.Feed feed) {
                PackedProtocol.run(resolvedSpecs, services, feed);
            }

            @Override
            public boolean hostThreads(String backend) {
                return services.chooseBackend(backend).provider().hostThreads();
            }

            @Override
            public CodeIdentity codeIdentity(RunSpec resolvedSpec) {
                return CodeIdentity.of(services.learner(resolvedSpec.learner()).getClass(),
                        services.task(resolvedSpec.task()).getClass(),
                        services.chooseBackend(resolvedSpec.backend()).provider().getClass());
            }

            @Override
            public Probe probe(RunSpec resolvedSpec, int threads) {
                BackendProvider provider = services.chooseBackend(resolvedSpec.backend()).provider();
                try (Backend backend = provider.open(new BackendOptions(threads, Map.of()))) {
                    BenchResult r = Bench.measure(resolvedSpec, services.learner(resolvedSpec.learner()),
                            services.task(resolvedSpec.task()), backend, PROBE);
                    return new Probe(1 / r.stepsPerSecond(), r.evalSeconds() * 1000.0 / BenchSettings.EVAL_PROMPTS);
                }
            }

            @Override
            public long parameterCount(RunSpec resolvedSpec) {
                // Counting needs a backend to allocate on: the plain cpu one when there is one, so that a dry
                // run of a GPU sweep does not start the GPU.
                BackendProvider provider = services.backends().stream().map(Services.Found::provider)
                        .filter(p -> p.name().equals("cpu") && p.probe().available()).findFirst()
                        .orElseGet(() -> services.chooseBackend(resolvedSpec.backend()).provider());
                try (Backend backend = provider.open(new BackendOptions(1, Map.of()))) {
                    return RunService.parameterCount(resolvedSpec, services.learner(resolvedSpec.learner()),
                            services.task(resolvedSpec.task()), backend);
                }
            }
        };
    }

    /**
     * The parameters of a resolved spec's learner, counted on {@link MemoryEstimate}'s sizing backend (no memory:
     * a dry run of FFN [N d, 1000] at N = 1024, 8.3e8 parameters, would otherwise allocate 13 GB); a learner that
     * cannot be sized is built on {@code backend} and closed.
     */
    static long parameterCount(RunSpec resolvedSpec, LearnerProvider learner, TaskProvider task, Backend backend) {
        TrainingSession.Setup setup = TrainingSession.setUp(resolvedSpec, learner, task);
        long sized = MemoryEstimate.of(setup.spec(), setup.task(), learner, setup.learnerConfig(), backend.dtype())
                .parameters();
        if (sized >= 0) {
            return sized;
        }
        try (Learner l = setup.createLearner(learner, backend)) {
            return l.parameters().count();
        }
    }

    /** A service that passes every call to another; a wrapper overrides what it changes. */
    class Forwarding implements RunService {
        private final RunService to;

        public Forwarding(RunService to) {
            this.to = to;
        }

        @Override
        public RunSpec resolve(RunSpec spec) {
            return to.resolve(spec);
        }

        @Override
        public Set<String> learnerOptionNames(String learner) {
            return to.learnerOptionNames(learner);
        }

        @Override
        public String axisOption(String task, TaskShape.Axis axis) {
            return to.axisOption(task, axis);
        }

        @Override
        public String backend(String requested) {
            return to.backend(requested);
        }

        @Override
        public RunRecord run(RunSpec resolvedSpec, ProgressListener listener) {
            return to.run(resolvedSpec, listener);
        }

        @Override
        public long parameterCount(RunSpec resolvedSpec) {
            return to.parameterCount(resolvedSpec);
        }

        @Override
        public String packKey(RunSpec resolvedSpec) {
            return to.packKey(resolvedSpec);
        }

        @Override
        public void runPacked(List<RunSpec> resolvedSpecs, PackedProtocol.Feed feed) {
            to.runPacked(resolvedSpecs, feed);
        }

        @Override
        public boolean hostThreads(String backend) {
            return to.hostThreads(backend);
        }

        @Override
        public Probe probe(RunSpec resolvedSpec, int threads) {
            return to.probe(resolvedSpec, threads);
        }

        @Override
        public CodeIdentity codeIdentity(RunSpec resolvedSpec) {
            return to.codeIdentity(resolvedSpec);
        }
    }
}
