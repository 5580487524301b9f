package org.samplex.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.RunSpec;

class PaperFigureTest {

    private static Analysis of(RunSpec... specs) {
        return Analysis.of(List.of(specs).stream().map(s -> Synthetic.run(s, 5000L, false, Map.of())).toList());
    }

    @Test
    void figure1aNeedsTheGeneralOnlineProtocolAtItsThresholdAndOneOfItsN() {
        RunSpec paper = Synthetic.spec("transformer", 4, 0, 0.9, 0.7);
        assertTrue(PaperFigure.FIGURE_1A.matches(of(paper, Synthetic.spec("gru", 6, 0, 0.9, 0.7))));
        assertFalse(PaperFigure.FIGURE_1B.matches(of(paper)), "the simple variant is another figure");
        assertFalse(PaperFigure.FIGURE_1A.matches(of(Synthetic.spec("transformer", 4, 0, 0.5))), "eps 0.7 only");
        assertFalse(PaperFigure.FIGURE_1A.matches(of(Synthetic.spec("transformer", 5, 0, 0.7))), "N = 5 is not");
        assertFalse(PaperFigure.FIGURE_1A.matches(of(paper.toBuilder().trainSet(5000L).build())), "fixed-n");
        assertFalse(PaperFigure.FIGURE_1A.matches(of(paper.toBuilder().taskOption("d", 5).build())), "d = 10");
        assertFalse(PaperFigure.FIGURE_1A.matches(of(paper, paper.toBuilder().taskOption("q", 2).seed(1).build())),
                "q = 1 for every run");
    }

    @Test
    void theFiguresHoldTheSpecsNumbers() {
        assertEquals(List.of(2, 4, 6, 8, 10, 12), PaperFigure.FIGURE_1A.paperN());
        assertEquals("17.0k", PaperFigure.FIGURE_1A.nStar().get("transformer").get(12));
        assertEquals("~38.5k", PaperFigure.FIGURE_1A.nStar().get("mlp").get(8));
        assertEquals(List.of(25, 27, 29, 31, 33), PaperFigure.FIGURE_1B.paperN());
        assertEquals("629k", PaperFigure.FIGURE_1B.nStar().get("mlp").get(33));
        assertEquals(2.5, PaperFigure.FIGURE_1A.slopes().get("mlp"));
    }
}
