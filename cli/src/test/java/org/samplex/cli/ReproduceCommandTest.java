package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code samplex reproduce}: the presets expand to the paper's grids (docs/qstr.md sections 5 and 6). */
class ReproduceCommandTest {

    @TempDir
    Path dir;

    private static void assumeAllLearners() {
        for (String l : List.of("transformer", "gru", "mlp")) {
            assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals(l)), "no " + l);
        }
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    /** The dry run's run lines (they start with a 12-digit key prefix). */
    private List<String> runs(String figure, String scale, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("reproduce", figure, "--scale", scale, "--out",
                dir.toString(), "--dry-run", "--no-probe"));
        args.addAll(List.of(more));
        CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve("results.sqlite")), "a dry run writes nothing");
        return r.out().lines().filter(l -> l.matches("[0-9a-f]{12}  .*")).toList();
    }

    private static List<String> keys(List<String> lines) {
        return lines.stream().map(l -> l.substring(0, 12)).toList();
    }

    private static long count(List<String> lines, String part) {
        return lines.stream().filter(l -> l.contains(part)).count();
    }

    @Test
    void figure1aIsThreeLearnersOverNWithFiveSeedsAtPaperScale() {
        assumeAllLearners();
        List<String> paper = runs("fig1a", "paper");
        assertEquals(3 * 6 * 5, paper.size());
        assertEquals(6 * 5, count(paper, "transformer N="));
        assertEquals(5, count(paper, "gru N=12 hidden=500 seed="));
        assertEquals(5, count(paper, "mlp N=2 width2=1000 seed="));
        assertEquals(5, count(paper, "transformer N=8 heads=1 mlp-width=100 seed="));
        List<String> small = runs("fig1a", "small");
        assertEquals(3 * 4 * 3, small.size());
        assertEquals(3, count(small, "gru N=8 hidden=500 seed="), "the small preset keeps the paper's bi-GRU 500");
        assertEquals(0, count(small, "N=10"));
    }

    @Test
    void theOtherFiguresHaveTheirGrids() {
        assumeAllLearners();
        assertEquals(3 * 5 * 5, runs("fig1b", "paper").size());
        List<String> fig3 = runs("fig3", "paper");
        assertEquals(3 * 4 * 5, fig3.size());
        assertEquals(5, count(fig3, "transformer N=7 q=4 mlp-width=100 split-heads=false seed="));
        List<String> fig3small = runs("fig3", "small");
        assertEquals(3, count(fig3small, "gru N=7 q=3 hidden=192 seed="));
        List<String> heads = runs("heads", "paper");
        assertEquals(4 * 5, heads.size());
        assertEquals(5, count(heads, "transformer N=12 q=3 heads=4 seed="));
        assertEquals(3 * 2, runs("heads", "small").size());
        assertEquals(6 * 4 * 3, runs("zoo", "small").size(), "six learners, N = 4..16, 3 seeds");
        assertEquals(6 * 8 * 5, runs("zoo", "paper").size());
        List<String> longN = runs("long-n", "paper");
        assertEquals(3 * 7 * 5, longN.size(), "three learners, N = 16..1024, 5 seeds");
        assertEquals(5, count(longN, "gru N=1024 hidden=500 seed="));
        List<String> longNSmall = runs("long-n", "small");
        assertEquals(3 * 3 * 2, longNSmall.size(), "three learners, N = 16..64, 2 seeds");
        assertEquals(2, count(longNSmall, "gru N=64 hidden=128 seed="));
        List<String> fig2 = runs("fig2", "paper");
        assertEquals(1, fig2.size());
        assertTrue(fig2.getFirst().contains("transformer N=100"), fig2.getFirst());
    }

    @Test
    void theConventionIsPartOfEveryRunAndAuthorsCodeIsTheDefault() {
        assumeAllLearners();
        List<String> byDefault = runs("fig1a", "small");
        List<String> authors = runs("fig1a", "small", "--convention", "authors-code");
        List<String> text = runs("fig1a", "small", "--convention", "paper-text");
        assertEquals(keys(authors), keys(byDefault), "authors-code is the default");
        assertEquals(authors.size(), text.size());
        List<String> authorKeys = authors.stream().map(l -> l.substring(0, 12)).toList();
        assertTrue(text.stream().map(l -> l.substring(0, 12)).noneMatch(authorKeys::contains),
                "the convention is in every run's spec, so in its key");
        CliRunner.Run bad = CliRunner.run("reproduce", "fig1a", "--convention", "paper", "--dry-run");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("'paper'") && bad.err().contains("authors-code"), bad.err());
    }

    @Test
    void anUnknownFigureOrScaleIsAUsageError() {
        CliRunner.Run r = CliRunner.run("reproduce", "fig9", "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'fig9'") && r.err().contains("fig1a"), r.err());
        r = CliRunner.run("reproduce", "fig1a", "--scale", "huge", "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--scale") && r.err().contains("'huge'"), r.err());
    }
}
