package org.samplex.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;

class ReportTest {

    @TempDir
    static Path dir;

    private static List<Path> written;

    /** The paper's three learners at N 2, 4, 8, 3 seeds; mlp censored twice at N = 8; one run failed. */
    @BeforeAll
    static void writeReport() throws IOException {
        List<RunRecord> runs = new ArrayList<>();
        double[] slopes = {0.7, 1.2, 2.0};
        String[] learners = {"transformer", "gru", "mlp"};
        for (int l = 0; l < 3; l++) {
            for (int n : new int[] {2, 4, 8}) {
                for (long seed = 0; seed < 3; seed++) {
                    boolean censored = learners[l].equals("mlp") && n == 8 && seed > 0;
                    Long nStar = censored ? null : Math.round(2000 * Math.pow(n, slopes[l]) * (1 + 0.1 * seed));
                    Map<String, double[][]> artifacts = learners[l].equals("transformer") && n == 4
                            ? Map.of("wqk.head0", wqk(), "attention.head0", attention()) : Map.of();
                    runs.add(Synthetic.run(Synthetic.spec(learners[l], n, seed, 0.7).toBuilder()
                            .inspect(!artifacts.isEmpty()).build(), nStar, false, artifacts));
                }
            }
        }
        String failedSpec = Json.canonical(Synthetic.spec("gru", 8, 7, 0.7).toMap());
        written = Report.write(dir, runs, List.of(new Report.FailedRun("abc123", failedSpec,
                "java.lang.OutOfMemoryError: Java heap space\n\tat somewhere")));
    }

    /** D = d + 2 d_e = 16 with a diagonal in the (E_t, E_i) block, as Figure 2. */
    private static double[][] wqk() {
        double[][] m = new double[16][16];
        for (int i = 0; i < 3; i++) {
            m[13 + i][10 + i] = 2;
        }
        m[0][1] = -0.5;
        return m;
    }

    private static double[][] attention() {
        double[][] a = new double[4][4];
        for (int i = 0; i < 4; i++) {
            a[i][(i + 1) % 4] = 0.7;
            a[i][i] = 0.3;
        }
        return a;
    }

    private static String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    @Test
    void everyFileIsWritten() throws IOException {
        for (String name : List.of("summary.md", "report.html", "nstar.csv", "nstar_eps0.7.png", "nstar_eps0.7.svg",
                "curves_N2.png", "curves_N4.svg", "curves_N8.png",
                "artifact_transformer_N4_seed0_wqk_head0.png", "artifact_transformer_N4_seed0_wqk_head0.svg",
                "artifact_transformer_N4_seed0_attention_head0.png")) {
            Path p = dir.resolve(name);
            assertTrue(Files.size(p) > 100, name + " is written");
            assertTrue(written.contains(p), name + " is listed");
        }
        for (Path p : written) {
            if (p.toString().endsWith(".png")) {
                BufferedImage image = ImageIO.read(p.toFile());
                assertNotNull(image, p + " is a PNG");
                assertTrue(image.getWidth() >= 300 && image.getHeight() >= 200, p.toString());
            } else if (p.toString().endsWith(".svg")) {
                String svg = Files.readString(p);
                assertTrue(svg.contains("<svg") && svg.strip().endsWith("</svg>"), p.toString());
            }
        }
    }

    @Test
    void nstarCsvHasOneRowPerRunWithCensoredRunsEmpty() throws IOException {
        List<String> lines = read("nstar.csv").lines().toList();
        assertTrue(lines.getFirst().startsWith("learner,N,threshold,seed,nstar,censored,series,cap,outcome,run_key,"
                + "task.N,task.d,"), lines.getFirst());
        assertEquals(1 + 27, lines.size());
        // transformer N = 2 seed 1: 2000 * 2^0.7 * 1.1 = 3574.4 -> 3574, rounded up to a check of 640 -> 3840
        String row = lines.stream().filter(l -> l.startsWith("transformer,2,0.7,1,3840,false,transformer,200000,"
                + "crossed,")).findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        assertTrue(row.matches(".*,crossed,[0-9a-f]{64},2,10,.*"), "the run key, then N and d: " + row);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("mlp,8,0.7,2,,true,mlp,200000,censored,")),
                lines.toString());
        assertEquals(2, lines.stream().filter(l -> l.split(",")[8].equals("censored")).count(),
                "two censored runs: " + lines);
        List<String> curves = read("curves.csv").lines().toList();
        assertEquals("run_key,learner,series,N,seed,step,prompts,test_mse,train_loss", curves.getFirst());
        assertTrue(curves.size() > 27, "a row per check of every run: " + curves.size());
    }

    @Test
    void theSummaryHasTablesSlopesTheCensoringAndThePaper() throws IOException {
        String md = read("summary.md");
        assertTrue(md.contains("## Threshold eps = 0.7"), md);
        assertTrue(md.contains("| series | N = 2 | N = 4 | N = 8 |"), md);
        assertTrue(md.contains("| series | slope | 95% bootstrap interval | N used | note |"), md);
        String mlpCell = md.lines().filter(l -> l.startsWith("| mlp |")).findFirst().orElseThrow();
        assertTrue(mlpCell.contains(">200k") && mlpCell.contains("3 seeds, 2 censored"), mlpCell);
        String mlpSlope = md.lines().filter(l -> l.startsWith("| mlp | ") && l.contains("lower-bound-affected"))
                .findFirst().orElseThrow(() -> new AssertionError(md));
        assertTrue(mlpSlope.contains("2 censored runs counted at the cap"), mlpSlope);
        String transformerSlope = md.lines().filter(l -> l.startsWith("| transformer | 0.")).findFirst()
                .orElseThrow(() -> new AssertionError(md));
        Matcher m = Pattern.compile("\\| transformer \\| ([0-9.]+) \\| \\[([0-9.]+), ([0-9.]+)\\]")
                .matcher(transformerSlope);
        assertTrue(m.find(), transformerSlope);
        double slope = Double.parseDouble(m.group(1));
        assertTrue(Math.abs(slope - 0.7) < 0.1, "the synthetic slope 0.7 up to rounding to checks: " + slope);
        assertTrue(Double.parseDouble(m.group(2)) <= slope && slope <= Double.parseDouble(m.group(3)));
        assertTrue(md.contains("Beside the paper: Figure 1a"), md);
        assertTrue(md.contains(" / 3.0k (") && md.contains(" / 16.2k ("), "the paper's numbers beside ours: " + md);
        String mlpPaper = md.lines().filter(l -> l.startsWith("| FFN [N d, 1000] |")).findFirst()
                .orElseThrow(() -> new AssertionError("the paper's name for the mlp: " + md));
        assertTrue(mlpPaper.contains(">200k / ~38.5k (**5.19 outside**)"), "a ratio outside [0.67, 1.5] is flagged: "
                + mlpPaper);
        assertTrue(md.startsWith("# samplex report") && md.lines().skip(2).findFirst().orElse("")
                .startsWith("**Headline** (eps = 0.7, N 2 to 8): slopes of log n* on log N "
                        + "Transformer (1 head, MLP 100) 0.66"), md);
        assertTrue(md.contains("The paper's plotted numbers were produced by the authors' code, that is under "
                + "`authors-code`"), md);
        assertTrue(md.contains("(64 x 10 = 640)"), "the resolution of n*: " + md);
        assertTrue(md.contains("## Provenance") && md.contains("| backend (threads) |")
                && md.contains("| wall time of the runs |"), "a provenance section: " + md);
        assertTrue(md.contains("## Runs") && md.contains("| run key | series | N | seed | status | n* 0.7 | prompts |"),
                "a table of every run: " + md);
        assertTrue(md.contains("## Failed runs") && md.contains("`abc123`") && md.contains("gru, N = 8, seed 7")
                && md.contains("OutOfMemoryError"), md);
        assertFalse(md.contains("\tat somewhere"), "only the error's first line");
        assertTrue(md.contains("![n* against N, eps = 0.7](nstar_eps0.7.png)"), md);
        assertTrue(md.contains("28 runs: 25 completed, 2 censored, 0 diverged, 1 failed"), md);
    }

    @Test
    void theHtmlIsOnePageWithEverythingInline() throws IOException {
        String html = read("report.html");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        Matcher refs = Pattern.compile("(?i)(src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        int images = 0;
        while (refs.find()) {
            assertTrue(refs.group(2).startsWith("data:image/png;base64,"), "inline only: " + refs.group(2)
                    .substring(0, Math.min(60, refs.group(2).length())));
            images++;
        }
        assertEquals(1 + 3 + 3, images, "n* plot, three curve plots, |W_Q^T W_K| and W_Q^T W_K, attention");
        assertFalse(html.matches("(?is).*<(link|script|iframe|object)\\b.*"), "no other resource");
        assertFalse(html.contains("url("), "no stylesheet reference");
        assertTrue(html.contains("&gt;200k"), "the censored median as a lower bound");
        assertTrue(html.contains("<strong>lower-bound-affected</strong>"));
    }

    @Test
    void aSweepThatIsNotThePapersHasNoComparison() throws IOException {
        Path other = dir.resolve("other");
        List<RunRecord> runs = new ArrayList<>();
        for (int n : new int[] {3, 5}) {
            runs.add(Synthetic.run(Synthetic.spec("mlp", n, 0, 0.3).toBuilder().taskOption("q", 2).build(),
                    10_000L * n, false, Map.of()));
        }
        Report.write(other, runs, List.of());
        String md = Files.readString(other.resolve("summary.md"));
        assertFalse(md.contains("Beside the paper"), md);
        assertFalse(md.contains("Failed runs"), md);
        Matcher slope = Pattern.compile("\\| mlp \\| ([0-9.]+) \\|").matcher(md);
        assertTrue(slope.find(), md);
        assertEquals(1.0, Double.parseDouble(slope.group(1)), 0.05, "n* = 10,000 N up to rounding to checks");
    }
}
