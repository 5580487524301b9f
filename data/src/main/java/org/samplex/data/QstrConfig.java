package org.samplex.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Task;

/**
 * The settings of one qSTR task (docs/qstr.md section 2), checked for combinations the schema's per-parameter
 * ranges cannot see.
 *
 * @param positions    N, tokens per prompt
 * @param contentWidth d, width of each token's content x_i
 * @param pointers     q, pointers per token
 * @param simple       the simple variant (one pointer tuple per prompt) for training prompts
 * @param link         the label function g
 * @param distinct     q distinct pointers per token instead of independent ones
 * @param resampled    a fresh positional code per prompt instead of one per task
 * @param posScale     scale the positional blocks by sqrt(d/q), as the theory does
 * @param noise        standard deviation of Gaussian label noise
 * @param testSimple   test prompts use the simple variant whatever the training variant (the authors' code)
 * @param halfContent  tokens i with 2i &gt;= N carry no content (x_i = 0, covariance 0), as in the data model of
 *                     the paper's lower bound on heads (Prop. 4 / Prop. 21)
 * @param codeWidth    d_e, width of a positional code
 */
record QstrConfig(int positions, int contentWidth, int pointers, boolean simple, Link link, boolean distinct,
                  boolean resampled, boolean posScale, double noise, boolean testSimple, boolean halfContent,
                  int codeWidth) {

    /** The label functions of docs/qstr.md section 2. */
    enum Link {
        /** y = &lt;u, x_t&gt; (q = 1). */
        LINEAR,
        /** y = q^-1/2 sum_l &lt;u_l, x_{t_l}&gt;, u_l orthonormal. */
        SUMLINEAR,
        /** y = q^-1/2 sum_l He2(&lt;u_l, x_{t_l}&gt;), He2(z) = (z^2 - 1) / sqrt(2), u_l orthonormal. */
        HE2,
        /** y = &lt;u, (1/q) sum_l x_{t_l}&gt;. */
        MEAN,
        /** y = (q d)^-1/2 sum_l (|x_{t_l}|^2 - E|x_{t_l}|^2): the heads lower bound's link (Prop. 4 / Prop. 21). */
        SQNORM;

        /** The word used in configs. */
        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the link uses q orthonormal directions u_l rather than one direction u. */
        boolean perSlot() {
            return this == SUMLINEAR || this == HE2;
        }
    }

    static final String OWNER = "task 'qstr'";
    private static final int MAX_SIZE = 1 << 16;
    private static final int MAX_POINTERS = 1024;

    static final Schema SCHEMA = Schema.of(OWNER,
            Hyperparameter.integer("N", null, 2, MAX_SIZE, "sequence length, tokens per prompt (required)"),
            Hyperparameter.integer("d", 10, 1, MAX_SIZE, "content width d of each token x_i ~ N(0, I_d)"),
            Hyperparameter.integer("q", 1, 1, MAX_POINTERS, "pointers per token (the q of qSTR)"),
            Hyperparameter.choice("variant", "general", List.of("general", "simple"),
                    "general: a pointer tuple per token; simple: one tuple per prompt shared by all tokens"),
            Hyperparameter.choice("link", "linear", List.of("linear", "sumlinear", "he2", "mean", "sqnorm"),
                    "label function: <u,x_t> (q=1), q^-1/2 sum <u_l,x_tl>, q^-1/2 sum He2(<u_l,x_tl>), "
                            + "<u, mean of x_tl>, (q d)^-1/2 sum (|x_tl|^2 - E|x_tl|^2) (the heads lower bound)"),
            // no default value, so that a spec that does not give it resolves as before this option existed (the
            // same canonical JSON, the same run key); absent means iid
            Hyperparameter.choice("content", null, List.of("iid", "half"),
                    "iid (when not given): every x_i ~ N(0, I_d); half: x_i ~ N(0, I_d) for i < N/2 and x_i = 0 "
                            + "for i >= N/2 (the heads lower bound's data model)"),
            Hyperparameter.choice("pointers", "iid", List.of("iid", "distinct"),
                    "iid: pointers uniform with replacement; distinct: the q pointers of a token differ"),
            Hyperparameter.choice("positional", "fixed", List.of("fixed", "resampled"),
                    "fixed: one positional code E per task; resampled: a fresh E for every prompt"),
            Hyperparameter.bool("pos-scale", false, "scale the positional blocks by sqrt(d/q) (the theory's scale)"),
            Hyperparameter.real("noise", 0.0, 0, 1e6, "standard deviation of Gaussian label noise (train and test)"),
            Hyperparameter.choice("test-variant", "same", List.of("same", "simple"),
                    "test prompts: same as training, or simple (reproduces the authors' code)"),
            Hyperparameter.integer("d-e", null, 1, MAX_SIZE,
                    "positional code width d_e (default floor(5 ln N))"));

    /**
     * Reads and checks a config (re-validated against {@link #SCHEMA}, so a hand-made config gets the same range
     * checks and defaults as one from the command line).
     *
     * @throws IllegalArgumentException naming the parameters of an impossible combination and what is accepted
     */
    static QstrConfig from(Config config) {
        Config c = SCHEMA.validate(config.values());
        if (!c.has("N")) {
            throw new IllegalArgumentException(OWNER + ": parameter 'N' is required ("
                    + SCHEMA.parameter("N").accepted() + ")");
        }
        int n = c.getInt("N");
        int d = c.getInt("d");
        int q = c.getInt("q");
        Link link = Link.valueOf(c.getChoice("link").toUpperCase(Locale.ROOT));
        boolean distinct = c.getChoice("pointers").equals("distinct");
        if (distinct && q > n) {
            throw new IllegalArgumentException(OWNER + ": pointers=distinct needs q <= N, got q=" + q + ", N=" + n
                    + "; use pointers=iid or a q in [1, " + n + "]");
        }
        if (link == Link.LINEAR && q > 1) {
            throw new IllegalArgumentException(OWNER + ": link=linear is defined for q=1 only, got q=" + q
                    + "; use link=sumlinear, he2 or mean for q > 1");
        }
        if (link.perSlot() && d < q) {
            throw new IllegalArgumentException(OWNER + ": link=" + link.word() + " needs d >= q for q orthonormal "
                    + "directions u_l, got d=" + d + ", q=" + q + "; use d >= " + q + " or link=mean");
        }
        int codeWidth = c.has("d-e") ? c.getInt("d-e") : (int) Math.floor(5 * Math.log(n));
        if (codeWidth < 1) {
            throw new IllegalArgumentException(OWNER + ": parameter 'd-e' must be at least 1, got " + codeWidth);
        }
        QstrConfig out = new QstrConfig(n, d, q, c.getChoice("variant").equals("simple"), link, distinct,
                c.getChoice("positional").equals("resampled"), c.getBoolean("pos-scale"), c.getReal("noise"),
                c.getChoice("test-variant").equals("simple"), c.has("content") && c.getChoice("content").equals("half"), codeWidth);
        long promptSize = (long) n * out.inputWidthLong();
        if (promptSize > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(OWNER + ": a prompt of N * (d + (q+1) d_e) = " + promptSize
                    + " numbers is too large (N=" + n + ", d=" + d + ", q=" + q + ", d-e=" + codeWidth + ")");
        }
        return out;
    }

    private long inputWidthLong() {
        return contentWidth + (long) (pointers + 1) * codeWidth;
    }

    /** D = d + (q + 1) d_e. */
    int inputWidth() {
        return Math.toIntExact(inputWidthLong());
    }

    /** Whether token i carries content: always, or only in the first half (2i &lt; N) with content=half. */
    boolean hasContent(int i) {
        return !halfContent || 2 * i < positions;
    }

    /** Whether prompts of {@code split} use the simple variant. */
    boolean simpleFor(Task.Split split) {
        return simple || (split == Task.Split.TEST && testSimple);
    }

    /** Every setting by its config name, then the derived D and d_e. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("N", positions);
        m.put("d", contentWidth);
        m.put("q", pointers);
        m.put("variant", simple ? "simple" : "general");
        m.put("link", link.word());
        m.put("pointers", distinct ? "distinct" : "iid");
        m.put("positional", resampled ? "resampled" : "fixed");
        m.put("pos-scale", posScale);
        m.put("noise", noise);
        m.put("test-variant", testSimple ? "simple" : "same");
        m.put("content", halfContent ? "half" : "iid");
        m.put("d-e", codeWidth);
        m.put("D", inputWidth());
        m.put("d_e", codeWidth);
        return m;
    }
}
