package org.samplex.sweep;

import java.util.List;
import java.util.Locale;
import org.samplex.experiment.Convention;

/**
 * The paper's figures (docs/qstr.md sections 5 and 6) as sweep plans, at two scales: {@code paper}, the exact
 * settings, and {@code small}, a cut-down version that fits a laptop and keeps the figure's point; and under two
 * conventions ({@link Convention}): {@code authors-code}, the settings that produced the paper's plotted numbers,
 * and {@code paper-text}, those its text states. The small presets keep the paper's architectures and shrink the
 * N range, the seeds and the test set. Each is a plan file's text, so a preset is also an example of the plan
 * format ({@code samplex reproduce NAME --dry-run} lists it).
 *
 * <p>{@code heads}, {@code zoo} and {@code long-n} are not figures of the paper but extensions: the data model of
 * the paper's lower bound on heads (Prop. 4 / Prop. 21) with H = 1 .. q + 1 heads, n* against N for the sequence
 * architectures weighed against attention today (selective state spaces, minimal gated recurrences;
 * docs/zoo.md), and Figure 1a's architectures at N = 16 to 1024.
 */
public final class Presets {

    /** How big a reproduction is. */
    public enum Scale {
        /** A laptop-sized cut of the figure. */
        SMALL,
        /** The paper's settings. */
        PAPER;

        /** The word used on the command line. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The figures, in the order {@code samplex reproduce --help} lists them. */
    public static final List<String> NAMES = List.of("fig1a", "fig1b", "fig2", "fig3", "heads", "zoo", "long-n");

    private Presets() {
    }

    /**
     * The plan of a figure at a scale under a convention.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Plan plan(String name, Scale scale, Convention convention) {
        return Plan.parse(yaml(name, scale, convention), name + " (" + scale.word() + ", " + convention.word() + ")");
    }

    /** The plan file text of a figure at a scale under a convention. */
    public static String yaml(String name, Scale scale, Convention convention) {
        boolean small = scale == Scale.SMALL;
        boolean authors = convention == Convention.AUTHORS_CODE;
        String text = switch (name) {
            case "fig1a" -> small ? FIG1A_SMALL : FIG1A_PAPER;
            case "fig1b" -> small ? FIG1B_SMALL : FIG1B_PAPER;
            case "fig2" -> (small ? FIG2_SMALL : FIG2_PAPER) + (authors ? FIG2_AUTHORS : FIG2_TEXT);
            case "fig3" -> small ? FIG3_SMALL : FIG3_PAPER;
            case "heads" -> small ? HEADS_SMALL : HEADS_PAPER;
            case "zoo" -> small ? ZOO_SMALL : ZOO_PAPER;
            case "long-n" -> small ? LONG_N_SMALL : LONG_N_PAPER;
            default -> throw new IllegalArgumentException("unknown figure '" + name + "'; the figures: "
                    + String.join(", ", NAMES));
        };
        return text + "convention: " + convention.word() + "\n";
    }

    private static final String ARCHITECTURES = """
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 500}
              mlp: {width2: 1000}
            """;

    private static final String FIG1A_PAPER = """
            description: >-
              Figure 1a: general 1STR, d = 10, eps = 0.7, test MSE every 10 steps, 5 seeds; Transformer (1 head,
              MLP 100), bi-GRU 500, FFN [N d, 1000]; N = 2 to 12.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [2, 4, 6, 8, 10, 12]
            seeds: 5
            thresholds: 0.7
            check-every: 10
            """ + ARCHITECTURES;

    private static final String FIG1A_SMALL = """
            description: >-
              Figure 1a, small: the paper's architectures and settings (Transformer (1 head, MLP 100), bi-GRU 500,
              FFN [N d, 1000]; general 1STR, d = 10, eps = 0.7, every 10 steps) with N = 2 to 8 (the paper: to 12),
              3 seeds (5) and a test set of 2,000 prompts.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [2, 4, 6, 8]
            seeds: 3
            thresholds: 0.7
            check-every: 10
            test-size: 2000
            """ + ARCHITECTURES;

    private static final String FIG1B_PAPER = """
            description: >-
              Figure 1b: simple 1STR, d = 10, eps = 0.02, test MSE every 100 steps, 5 seeds; Transformer (1 head,
              MLP 100), bi-GRU 500, FFN [N d, 1000]; N = 25 to 33.
            task: qstr
            task-options: {variant: simple, d: 10}
            learners: [transformer, gru, mlp]
            N: [25, 27, 29, 31, 33]
            seeds: 5
            thresholds: 0.02
            check-every: 100
            """ + ARCHITECTURES;

    private static final String FIG1B_SMALL = """
            description: >-
              Figure 1b, small: the paper's architectures and settings (simple 1STR, d = 10, eps = 0.02, every 100
              steps) with N = 25, 29, 33, 2 seeds and a test set of 2,000 prompts. Runs need 10^5 prompts or more
              and the bi-GRU 500 is slow on a CPU: expect hours on 2 cores (a GPU: minutes).
            task: qstr
            task-options: {variant: simple, d: 10}
            learners: [transformer, gru, mlp]
            N: [25, 29, 33]
            seeds: 2
            thresholds: 0.02
            check-every: 100
            test-size: 2000
            """ + ARCHITECTURES;

    private static final String FIG2_PAPER = """
            description: >-
              Figure 2: a 1-head Transformer at N = 100 trained on a fixed set of 50,000 prompts in reshuffled
              epochs, its W_Q^T W_K kept for the heat map (inspect).
            task: qstr
            learners: [transformer]
            N: [100]
            seeds: 1
            train-set: 50000
            shuffle: true
            epochs: 20
            cap: 1000000
            check-every: 100
            inspect: true
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
            """;

    private static final String FIG2_SMALL = """
            description: >-
              Figure 2, small: a 1-head Transformer at N = 20 (the paper: 100) trained on a fixed set of 10,000
              prompts (50,000) in reshuffled epochs, its W_Q^T W_K kept for the heat map (inspect); test set 2,000.
            task: qstr
            learners: [transformer]
            N: [20]
            seeds: 1
            train-set: 10000
            shuffle: true
            epochs: 20
            cap: 200000
            check-every: 20
            test-size: 2000
            inspect: true
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
            """;

    /** Figure 2 as the authors' script ran it: simple prompts, weight decay 0.2, until the loss is below 0.05. */
    private static final String FIG2_AUTHORS = """
            task-options: {variant: simple, d: 10}
            thresholds: [0.5, 0.1, 0.02]
            weight-decay: 0.2
            stop-loss: 0.05
            """;

    /** Figure 2 as the text describes it: general prompts, the text's weight decay, 20 epochs. */
    private static final String FIG2_TEXT = """
            task-options: {variant: general, d: 10}
            thresholds: [0.7, 0.5, 0.3]
            """;

    private static final String FIG3_PAPER = """
            description: >-
              Figure 3: He2 link at N = 7, lr 1e-4, eps = 0.88, q = 1 to 4; Transformer with q full-width heads,
              bi-GRU with 500q per direction, FFN [N d q, 1000] (each learner's default for q); iid pointers;
              5 seeds. Test prompts of the training variant: under the simple test variant every position of a
              test prompt has the same He2 label, and the test MSE of one test set is too noisy for a threshold
              this close to 1 (with 1,000 prompts the zero predictor's MSE has a standard deviation of 0.12).
            task: qstr
            task-options: {variant: general, d: 10, link: he2, pointers: iid, test-variant: same}
            learners: [transformer, gru, mlp]
            N: [7]
            q: [1, 2, 3, 4]
            seeds: 5
            thresholds: 0.88
            lr: 0.0001
            learner-options:
              transformer: {mlp-width: 100, split-heads: false}
              mlp: {width2: 1000}
            """;

    private static final String FIG3_SMALL = """
            description: >-
              Figure 3, small: He2 link at N = 7, lr 1e-4, eps = 0.88, q = 1 to 3 (the paper: 4); Transformer with q
              full-width heads and FFN [N d q, 1000] as in the paper, bi-GRU with 64q per direction substituting for
              the paper's 500q (a CPU cannot train 1,500 units to n* in minutes); 3 seeds, test set 2,000, a check
              every 50 steps (n* known to 3,200 prompts), cap 400,000 prompts; iid pointers; test prompts of the
              training variant (see the paper-scale preset). This cut does not show the paper's trend (the gap
              growing with q): eps = 0.88 is just below the MSE 1 of predicting 0, so at lr 1e-4 n* is dominated by
              seed noise (2-5x within a cell) and by runs censored at the cap, and the substitute bi-GRU grows with
              q; the paper-scale preset (a GPU) draws the figure.
            task: qstr
            task-options: {variant: general, d: 10, link: he2, pointers: iid, test-variant: same}
            learners: [transformer, gru, mlp]
            N: [7]
            seeds: 3
            thresholds: 0.88
            lr: 0.0001
            test-size: 2000
            check-every: 50
            cap: 400000
            learner-options:
              transformer: {mlp-width: 100, split-heads: false}
              mlp: {width2: 1000}
            grids:
              - {q: 1, learner-options: {gru.hidden: 64}}
              - {q: 2, learner-options: {gru.hidden: 128}}
              - {q: 3, learner-options: {gru.hidden: 192}}
            """;

    private static final String HEADS_PAPER = """
            description: >-
              Heads (an extension, not a figure of the paper): the data model of the paper's lower bound on heads
              (Prop. 4 / Prop. 21): link y_i = (q d)^-1/2 sum_j (|x_tij|^2 - E|x_tij|^2), tokens with covariance I
              for i < N/2 and 0 beyond, q = 3 distinct pointers, N = 12; Transformer with H = 1 to q + 1 heads;
              thresholds 0.3 and 0.15, cap 10^6 prompts, 5 seeds. Expected: H < q stalls above the threshold
              (censored), H >= q crosses it.
            task: qstr
            task-options: {variant: general, d: 10, link: sqnorm, content: half, pointers: distinct, q: 3}
            learners: [transformer]
            N: [12]
            seeds: 5
            thresholds: [0.3, 0.15]
            learner-options: {heads: [1, 2, 3, 4]}
            """;

    private static final String HEADS_SMALL = """
            description: >-
              Heads, small (an extension, not a figure of the paper): the data model of the paper's lower bound on
              heads (Prop. 4 / Prop. 21), link y_i = (q d)^-1/2 sum_j (|x_tij|^2 - E|x_tij|^2), tokens with
              covariance I for i < N/2 and 0 beyond, q = 2 distinct pointers (the paper-scale preset: 3), N = 8;
              Transformer with H = 1 to q + 1 heads; thresholds 0.3 and 0.15, cap 500,000 prompts, test set 2,000,
              2 seeds. Expected: H = 1 stalls near 0.23 (censored at 0.15), H >= 2 crosses 0.15.
            task: qstr
            task-options: {variant: general, d: 10, link: sqnorm, content: half, pointers: distinct, q: 2}
            learners: [transformer]
            N: [8]
            seeds: 2
            thresholds: [0.3, 0.15]
            cap: 500000
            test-size: 2000
            learner-options: {heads: [1, 2, 3]}
            """;

    private static final String ZOO_SMALL = """
            description: >-
              Zoo, small (an extension, not a figure of the paper): general 1STR, d = 10, eps = 0.7, every 10 steps,
              3 seeds, N = 4 to 16, cap 300,000 prompts, a test set of 2,000 prompts (as fig1a small; the
              convention's 5,000 made evaluation most of a run's time); Transformer (1 head, MLP 100), bi-GRU and
              bi-LSTM with 128 per direction (the paper's GRU: 500), mamba (width 16, expand 2, state 16,
              bidirectional), mingru (128 per direction, 2 layers, bidirectional), FFN [N d, 1000]. docs/zoo.md has a
              run and what it says.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, lstm, mamba, mingru, mlp]
            N: [4, 8, 12, 16]
            seeds: 3
            thresholds: 0.7
            check-every: 10
            test-size: 2000
            cap: 300000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 128}
              lstm: {hidden: 128}
              mamba: {width: 16, expand: 2, state: 16}
              mingru: {hidden: 128, layers: 2}
              mlp: {width2: 1000}
            """;

    private static final String ZOO_PAPER = """
            description: >-
              Zoo (an extension, not a figure of the paper): general 1STR, d = 10, eps = 0.7, every 10 steps, 5 seeds,
              N = 4 to 64 (a GPU); Transformer (1 head, MLP 100), bi-GRU and bi-LSTM with 500 per direction, mamba
              (width 32, expand 2, state 16, bidirectional), mingru (128 per direction, 2 layers, bidirectional), FFN
              [N d, 1000].
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, lstm, mamba, mingru, mlp]
            N: [4, 8, 12, 16, 24, 32, 48, 64]
            seeds: 5
            thresholds: 0.7
            check-every: 10
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 500}
              lstm: {hidden: 500}
              mamba: {width: 32, expand: 2, state: 16}
              mingru: {hidden: 128, layers: 2}
              mlp: {width2: 1000}
            """;

    private static final String LONG_N_PAPER = """
            description: >-
              Long N (an extension, not a figure of the paper): Figure 1a's setting and architectures far past its N
              <= 12: general 1STR (q = 1), d = 10, eps = 0.7, test MSE every 10 steps, 5 seeds, cap 10^7 prompts (a
              run that does not cross eps by then is recorded as censored); Transformer (1 head, MLP 100), bi-GRU
              500, FFN [N d, 1000]; N = 16 to 1024 in powers of 2. A GPU: the FFN at N = 1024 has 8.3e8 parameters
              (13 GB with gradients and AdamW's moments) and each test set holds 5,000 x N x (D + 1) values (1.6 GB).
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [16, 32, 64, 128, 256, 512, 1024]
            seeds: 5
            thresholds: 0.7
            check-every: 10
            cap: 10000000
            """ + ARCHITECTURES;

    private static final String LONG_N_SMALL = """
            description: >-
              Long N, small (an extension, not a figure of the paper): general 1STR (q = 1), d = 10, eps = 0.7,
              every 10 steps, N = 16, 32, 64 (the paper-scale preset: to 1024), 2 seeds (5), cap 300,000 prompts
              (10^7; a run that does not cross eps by then is recorded as censored), test set 2,000; Transformer (1
              head, MLP 100) and FFN [N d, 1000] as in the paper, bi-GRU with 128 per direction substituting for the
              paper's 500 (at N = 64 the 128-unit GRU trains about 440 prompts/s on one core of a 2-core VM and had
              not left MSE 1.0 after 96,000 prompts: expect it censored there). At most about 22 minutes on 2 cores.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [16, 32, 64]
            seeds: 2
            thresholds: 0.7
            check-every: 10
            cap: 300000
            test-size: 2000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 128}
              mlp: {width2: 1000}
            """;
}
