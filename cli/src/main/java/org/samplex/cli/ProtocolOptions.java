package org.samplex.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Services;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;
import org.samplex.experiment.Setting;
import org.samplex.experiment.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The protocol's flags, shared by {@code train}, {@code sweep run}, {@code sweep submit} and {@code bench} (a
 * picocli mixin): the task and its and the learner's options, and a flag per protocol setting of
 * {@link Settings#ALL} ({@code --cap}, {@code --weight-decay}, ...), made from the table by {@link #addFlags} with
 * its help, so a new setting needs no change here. A flag not given is absent from {@link #given}, so that a
 * sweep can tell "not given" (the plan file's value stands) from a value; {@code train} fills in the defaults
 * ({@link RunSpecBuilder}). In a sweep, option values may list several values separated by commas, one run each.
 */
final class ProtocolOptions {

    @Option(names = "--task", paramLabel = "NAME", description = "The task (samplex list tasks); default: qstr.")
    String task;

    @Option(names = "--task-option", paramLabel = "KEY=VALUE",
            description = "A task setting (repeatable; samplex list tasks shows them). In a sweep, VALUE may be a "
                    + "list, one run each: q=1,2.")
    Map<String, String> taskOptions = new LinkedHashMap<>();

    @Option(names = "--learner-option", paramLabel = "KEY=VALUE",
            description = "A learner hyperparameter (repeatable; samplex list learners shows them). In a sweep, "
                    + "VALUE may be a list (heads=1,2,3) and KEY may name one learner (gru.hidden=128); a KEY "
                    + "without a learner goes to every learner that has it.")
    Map<String, String> learnerOptions = new LinkedHashMap<>();

    /** The settings whose flags were given, with their values. */
    private final Map<Setting<?>, Object> given = new LinkedHashMap<>();

    /**
     * Adds a flag per protocol setting to every command of {@code root}'s tree that has these options (as a mixin,
     * or inside one), bound to that command's instance. Called once, when the command line is made.
     */
    static void addFlags(CommandLine root) {
        CommandSpec spec = root.getCommandSpec();
        ProtocolOptions target = find(spec);
        if (target != null) {
            for (Setting<?> s : Settings.ALL) {
                spec.addOption(flag(s, target));
            }
        }
        root.getSubcommands().values().forEach(ProtocolOptions::addFlags);
    }

    private static ProtocolOptions find(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof ProtocolOptions p) {
                return p;
            }
            ProtocolOptions inner = find(mixin);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static OptionSpec flag(Setting<?> s, ProtocolOptions target) {
        String[] names = s == Settings.THRESHOLDS ? new String[] {"--threshold", "--thresholds"}
                : new String[] {"--" + s.name()};
        OptionSpec.Builder o = OptionSpec.builder(names).description(s.help()).hasInitialValue(false);
        ISetter setter = new ISetter() {
            @Override
            public <T> T set(T value) {
                if (value != null && !Boolean.FALSE.equals(value)) {
                    target.given.put(s, value);
                }
                return null;
            }
        };
        switch (s.kind()) {
            case FLAG -> o.arity("0").type(Boolean.class);
            case REALS -> o.type(List.class).auxiliaryTypes(Double.class).splitRegex(",").paramLabel(s.paramLabel())
                    .getter(new CommandLine.Model.IGetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T get() {
                            return (T) target.given.get(s);
                        }
                    });
            default -> o.type(s.kind().type()).paramLabel(s.paramLabel());
        }
        return o.setter(setter).build();
    }

    /** The value given for a setting; null when its flag was not given. */
    @SuppressWarnings("unchecked")
    <T> T given(Setting<T> setting) {
        return (T) given.get(setting);
    }

    /** The task asked for: --task, or qstr. */
    String taskOrDefault() {
        return task != null ? task : "qstr";
    }

    /**
     * The option that sets the task's N (its positions, as the task declares: {@code TaskProvider.axisOption}),
     * for {@code --N}.
     *
     * @throws IllegalArgumentException when the task has none
     */
    String positionsOption(Services services) {
        String option = services.task(taskOrDefault()).axisOption(TaskShape.Axis.POSITIONS);
        if (option == null) {
            throw new IllegalArgumentException("--N: task '" + taskOrDefault() + "' declares no option for N, its "
                    + "positions; give its options with --task-option (samplex list tasks)");
        }
        return option;
    }

    /** The backend asked for: the flag, or "auto". */
    String backendOrAuto() {
        String backend = given(Settings.BACKEND);
        return backend != null ? backend : "auto";
    }

    /** Sets on the builder every protocol value that was given; the others keep the builder's defaults. */
    RunSpecBuilder applyTo(RunSpecBuilder b) {
        b.setValue(Settings.CONVENTION, given(Settings.CONVENTION)); // first: the values given below win
        b.backend(backendOrAuto());
        given.forEach((s, v) -> {
            if (s != Settings.CONVENTION) {
                b.setValue(s, v);
            }
        });
        return b;
    }

    /**
     * The flags that were given as sweep-plan keys (see {@code org.samplex.sweep.Grid}), their values as text;
     * threads are not a plan key (they depend on the workers) and are left out.
     */
    Map<String, Object> planKeys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        given.forEach((s, v) -> {
            if (s.inPlans()) {
                m.put(s.name(), v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : v);
            }
        });
        if (!taskOptions.isEmpty()) {
            m.put("task-options", lists(taskOptions));
        }
        if (!learnerOptions.isEmpty()) {
            m.put("learner-options", lists(learnerOptions));
        }
        return m;
    }

    /** KEY=a,b,c as KEY: [a, b, c]. */
    private static Map<String, Object> lists(Map<String, String> options) {
        Map<String, Object> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, new ArrayList<>(Arrays.asList(v.split(",", -1)))));
        return out;
    }
}
