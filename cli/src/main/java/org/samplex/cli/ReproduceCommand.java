package org.samplex.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samplex.experiment.Convention;
import org.samplex.sweep.CodeChange;
import org.samplex.sweep.Plan;
import org.samplex.sweep.Presets;
import org.samplex.sweep.Sweep;
import org.samplex.sweep.RunService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex reproduce FIGURE}: a paper figure's sweep (a preset plan, {@link Presets}) into a folder, then
 * its report. Resumable like any sweep: rerun the same command after an interruption.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduces a figure of the paper (docs/qstr.md sections 5 and 6): runs its sweep into --out "
                + "and "
                + "writes the report there (summary.md, report.html, nstar.csv, plots).",
                "Figures: fig1a (general 1STR, n* against N for transformer, GRU, FFN), fig1b (simple 1STR), "
                        + "fig2 (W_Q^T W_K of a transformer trained on a fixed set), fig3 (He2 link, n* against "
                        + "q = 1..4); and three extensions rather than figures of the paper: heads (H = 1..q+1 heads "
                        + "on the data model of the paper's lower bound on heads), zoo (n* against N for "
                        + "transformer, GRU, LSTM, mamba, mingru and FFN, docs/zoo.md) and long-n (fig1a's "
                        + "architectures at N = 16..1024, cap 10^7; small: N = 16..64).",
                "--scale small fits a laptop with the paper's architectures (fig1a: 36 runs, about 4 minutes on 2 "
                        + "cores); --scale paper uses the paper's settings. --dry-run lists the runs; the plan is "
                        + "saved as DIR/plan.json.",
                "--convention authors-code (default) measures with the settings that produced the paper's "
                        + "plotted numbers, paper-text with those its text states.",
                "Example: samplex reproduce fig1a --scale small"})
final class ReproduceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FIGURE", completionCandidates = Figures.class,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    String figure;

    @Option(names = "--scale", defaultValue = "small", paramLabel = "small|paper",
            description = "small (a laptop-sized cut, see --dry-run) or paper (the paper's settings); "
                    + "default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--convention", defaultValue = "authors-code", paramLabel = "authors-code|paper-text",
            description = "authors-code (default): the settings of the authors' released code, which produced the "
                    + "paper's plotted numbers (weight decay 0.01, 5,000 test prompts of the simple variant; Figure "
                    + "2: simple prompts, weight decay 0.2, reshuffled epochs until the training loss < 0.05). "
                    + "paper-text: the settings the paper's text states (0.1, 10,000, the training variant).")
    String convention;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The folder; default: runs/FIGURE-SCALE, with -paper-text added for that convention.")
    Path out;

    @Option(names = "--workers", paramLabel = "W",
            description = "Runs (or packs) at once; default: one per processor, each with one thread.")
    Integer workers;

    @Mixin
    PackOption pack;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Threads for all runs together; 0 (default) means all processors.")
    int threads;

    @Option(names = "--backend", paramLabel = "NAME", description = "auto (default), cpu, reference or cuda.")
    String backend;

    @Option(names = "--dry-run", description = "List the runs and an estimated cost; run nothing.")
    boolean dryRun;

    @Option(names = "--no-probe", description = "With --dry-run: estimate times only from runs the store has "
            + "measured, without probing this machine (a probe takes seconds per learner and shape).")
    boolean noProbe;

    @Option(names = "--extend", description = "Accept a plan that differs from the one saved in --out.")
    boolean extend;

    @Option(names = CodeChange.OPTION, paramLabel = "refuse|rerun|keep", defaultValue = "refuse",
            description = "Stored runs computed by other code: refuse (default), rerun or keep (as sweep run).")
    String codeChanged;

    @Option(names = "--no-report", description = "Run the sweep only; samplex report DIR writes the report later.")
    boolean noReport;

    @Mixin
    Diagnostics diagnostics;

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    /** The figures, for help and completion. */
    static final class Figures implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Presets.NAMES.iterator();
        }
    }

    @Override
    public Integer call() {
        Presets.Scale s = scale();
        Convention c = Convention.of(convention);
        Plan plan = Presets.plan(figure, s, c);
        if (backend != null) {
            Map<String, Object> flags = new LinkedHashMap<>();
            flags.put("backend", backend);
            plan = plan.override(flags);
        }
        String name = figure + "-" + s.word() + (c == Convention.AUTHORS_CODE ? "" : "-" + c.word());
        Path dir = out != null ? out : Path.of("runs", name);
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int w = workers != null ? workers : cores;
        int code = SweepCommandSupport.execute(spec, RunService.of(root.services()), plan,
                new SweepCommandSupport.Settings(dir, name, w, threads, dryRun, extend, Sweep.Scope.WHOLE,
                        CodeChange.parse(codeChanged), !noProbe, pack.pack));
        if (dryRun || noReport) {
            return code;
        }
        // The report is samplex report DIR, run through the command line so that it prints and fails as that
        // command does; a sweep with failed runs still gets its report (it lists them) and keeps its exit code 4.
        CommandLine report = spec.root().commandLine().getSubcommands().get("report");
        int reportCode = report.execute(dir.toString());
        return code != 0 ? code : reportCode;
    }

    private Presets.Scale scale() {
        try {
            return Presets.Scale.valueOf(scale.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '--scale' must be small or paper, got '" + scale + "'");
        }
    }
}
