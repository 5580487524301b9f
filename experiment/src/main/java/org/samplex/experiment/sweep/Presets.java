package org.samplex.experiment.sweep;

import java.util.List;
import java.util.Locale;

/**
 * The paper's figures (spec sections 5 and 6) as sweep plans, at two scales: {@code paper}, the exact settings,
 * and {@code small}, a cut-down version that fits a laptop and keeps the figure's point. Each is a plan file's
 * text, so a preset is also an example of the plan format ({@code samplex reproduce NAME --dry-run} lists it).
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
    public static final List<String> NAMES = List.of("fig1a", "fig1b", "fig2", "fig3", "heads");

    private Presets() {
    }

    /**
     * The plan of a figure at a scale.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Plan plan(String name, Scale scale) {
        return Plan.parse(yaml(name, scale), name + " (" + scale.word() + ")");
    }

    /** The plan file text of a figure at a scale. */
    public static String yaml(String name, Scale scale) {
        boolean small = scale == Scale.SMALL;
        return switch (name) {
            case "fig1a" -> small ? FIG1A_SMALL : FIG1A_PAPER;
            case "fig1b" -> small ? FIG1B_SMALL : FIG1B_PAPER;
            case "fig2" -> small ? FIG2_SMALL : FIG2_PAPER;
            case "fig3" -> small ? FIG3_SMALL : FIG3_PAPER;
            case "heads" -> small ? HEADS_SMALL : HEADS_PAPER;
            default -> throw new IllegalArgumentException("unknown figure '" + name + "'; the figures: "
                    + String.join(", ", NAMES));
        };
    }

    private static final String FIG1A_PAPER = """
            description: >-
              Figure 1a: general 1STR, d = 10, eps = 0.7, test MSE every 10 steps on 10,000 prompts, 5 seeds;
              transformer (1 head, MLP 100), bi-GRU (500), FFN [N*d, 1000]; N = 2 to 12.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [2, 4, 6, 8, 10, 12]
            seeds: 5
            thresholds: 0.7
            check-every: 10
            test-size: 10000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 500}
              mlp: {width2: 1000}
            """;

    private static final String FIG1A_SMALL = """
            description: >-
              Figure 1a, small: general 1STR, d = 10, eps = 0.7, test MSE every 10 steps on 2,000 prompts, 3 seeds;
              transformer (1 head, MLP 100), bi-GRU with 128 per direction (the paper: 500), FFN [N*d, 1000];
              N = 2 to 8.
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer, gru, mlp]
            N: [2, 4, 6, 8]
            seeds: 3
            thresholds: 0.7
            check-every: 10
            test-size: 2000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 128}
              mlp: {width2: 1000}
            """;

    private static final String FIG1B_PAPER = """
            description: >-
              Figure 1b: simple 1STR, d = 10, eps = 0.02, test MSE every 100 steps on 10,000 prompts, 5 seeds;
              transformer (1 head, MLP 100), bi-GRU (500), FFN [N*d, 1000]; N = 25 to 33.
            task: qstr
            task-options: {variant: simple, d: 10}
            learners: [transformer, gru, mlp]
            N: [25, 27, 29, 31, 33]
            seeds: 5
            thresholds: 0.02
            check-every: 100
            test-size: 10000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 500}
              mlp: {width2: 1000}
            """;

    private static final String FIG1B_SMALL = """
            description: >-
              Figure 1b, small: simple 1STR, d = 10, eps = 0.02, test MSE every 100 steps on 2,000 prompts,
              2 seeds; transformer (1 head, MLP 100), bi-GRU with 128 per direction (the paper: 500),
              FFN [N*d, 1000]; N = 25, 29, 33. Runs need 10^5 prompts or more: expect an hour or more on 2 cores.
            task: qstr
            task-options: {variant: simple, d: 10}
            learners: [transformer, gru, mlp]
            N: [25, 29, 33]
            seeds: 2
            thresholds: 0.02
            check-every: 100
            test-size: 2000
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
              gru: {hidden: 128}
              mlp: {width2: 1000}
            """;

    private static final String FIG2_PAPER = """
            description: >-
              Figure 2: a 1-head transformer at N = 100 trained on a fixed set of 50,000 prompts (general 1STR,
              d = 10) for up to 20 epochs, its W_Q^T W_K kept for the heat map (inspect).
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer]
            N: [100]
            seeds: 1
            thresholds: [0.7, 0.5, 0.3]
            train-set: 50000
            cap: 1000000
            check-every: 50
            test-size: 10000
            inspect: true
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
            """;

    private static final String FIG2_SMALL = """
            description: >-
              Figure 2, small: a 1-head transformer at N = 20 (the paper: 100) trained on a fixed set of 10,000
              prompts (the paper: 50,000) for up to 30 epochs, its W_Q^T W_K kept for the heat map (inspect).
            task: qstr
            task-options: {variant: general, d: 10}
            learners: [transformer]
            N: [20]
            seeds: 1
            thresholds: [0.7, 0.5, 0.3]
            train-set: 10000
            cap: 300000
            check-every: 20
            test-size: 2000
            inspect: true
            learner-options:
              transformer: {heads: 1, mlp-width: 100}
            """;

    private static final String FIG3_PAPER = """
            description: >-
              Figure 3: He2 link at N = 7, lr 1e-4, eps = 0.88, q = 1 to 4; transformer with q heads,
              bi-GRU with 500q per direction, FFN [N*d*q, 1000] (each learner's default for q); 5 seeds.
            task: qstr
            task-options: {variant: general, d: 10, link: he2}
            learners: [transformer, gru, mlp]
            N: [7]
            q: [1, 2, 3, 4]
            seeds: 5
            thresholds: 0.88
            lr: 0.0001
            test-size: 10000
            """;

    private static final String FIG3_SMALL = """
            description: >-
              Figure 3, small: He2 link at N = 7, lr 1e-4, eps = 0.88, q = 1 to 3 (the paper: 4); transformer with
              q heads, bi-GRU with 128q per direction (the paper: 500q), FFN [N*d*q, 1000]; 2 seeds, test set 2,000.
            task: qstr
            task-options: {variant: general, d: 10, link: he2}
            learners: [transformer, gru, mlp]
            N: [7]
            seeds: 2
            thresholds: 0.88
            lr: 0.0001
            test-size: 2000
            grids:
              - {q: 1, learner-options: {gru.hidden: 128}}
              - {q: 2, learner-options: {gru.hidden: 256}}
              - {q: 3, learner-options: {gru.hidden: 384}}
            """;

    private static final String HEADS_PAPER = """
            description: >-
              Heads: sumlinear link (q orthonormal slot directions), q = 3, N = 12, transformer with H = 1 to q+1
              heads, threshold 0.15; expected: H < q stays near (q-H)/q (censored), H >= q learns. 5 seeds.
            task: qstr
            task-options: {variant: general, d: 10, link: sumlinear, q: 3}
            learners: [transformer]
            N: [12]
            seeds: 5
            thresholds: 0.15
            test-size: 10000
            learner-options: {heads: [1, 2, 3, 4]}
            """;

    private static final String HEADS_SMALL = """
            description: >-
              Heads, small: sumlinear link (q orthonormal slot directions), q = 2 (the paper-scale preset: 3),
              N = 8, transformer with H = 1 to q+1 heads, threshold 0.15, cap 300,000 prompts; expected: H = 1
              stays near 1/2 (censored), H >= 2 learns. 2 seeds.
            task: qstr
            task-options: {variant: general, d: 10, link: sumlinear, q: 2}
            learners: [transformer]
            N: [8]
            seeds: 2
            thresholds: 0.15
            cap: 300000
            test-size: 2000
            learner-options: {heads: [1, 2, 3]}
            """;
}
