package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;

class QstrSettingsTest {

    @Test
    void providerIsFoundByNameAndDocumentsEveryParameter() {
        assertInstanceOf(QstrProvider.class, Prompts.PROVIDER);
        List<String> names = Prompts.PROVIDER.schema().parameters().stream().map(Hyperparameter::name).toList();
        assertEquals(List.of("N", "d", "q", "variant", "link", "content", "pointers", "positional", "pos-scale", "noise",
                "test-variant", "d-e"), names);
        for (Hyperparameter p : Prompts.PROVIDER.schema().parameters()) {
            assertFalse(p.description().isBlank(), p.name());
        }
        assertTrue(Prompts.PROVIDER.schema().parameter("N").description().contains("required"));
    }

    @Test
    void defaultsFollowThePaper() {
        Task task = Prompts.task(Map.of("N", 12), 3);
        int de = (int) Math.floor(5 * Math.log(12)); // spec: d_e = floor(5 ln N)
        assertEquals(new TaskShape(12, 10 + 2 * de, 10, 1), task.shape());
        assertEquals(10, task.defaultCheckEvery());
        Map<String, Object> m = task.describe();
        assertEquals(12, m.get("N"));
        assertEquals(10, m.get("d"));
        assertEquals(1, m.get("q"));
        assertEquals("general", m.get("variant"));
        assertEquals("linear", m.get("link"));
        assertEquals("iid", m.get("pointers"));
        assertEquals("fixed", m.get("positional"));
        assertEquals(false, m.get("pos-scale"));
        assertEquals(0.0, m.get("noise"));
        assertEquals("same", m.get("test-variant"));
        assertEquals(de, m.get("d_e"));
        assertEquals(10 + 2 * de, m.get("D"));
    }

    @Test
    void widthsFollowTheGivenSettings() {
        Task task = Prompts.task(Map.of("N", "5", "d", "7", "q", "3", "link", "mean", "d-e", "4",
                "variant", "simple"), 3);
        assertEquals(new TaskShape(5, 7 + 4 * 4, 7, 3), task.shape());
        assertEquals(100, task.defaultCheckEvery());
        assertEquals(23, task.describe().get("D"));
        assertEquals("simple", task.describe().get("variant"));
    }

    @Test
    void missingNIsRequired() {
        String msg = rejected(Map.of("d", 10));
        assertTrue(msg.contains("parameter 'N' is required"), msg);
    }

    @Test
    void tooShortSequencesAreRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Prompts.PROVIDER.schema().validate(Map.of("N", 1)));
        assertTrue(e.getMessage().contains("'N'") && e.getMessage().contains("[2, "), e.getMessage());
        // a config made by hand, bypassing the schema, is still checked when the task is created
        String msg = rejectedRaw(Map.of("N", 1));
        assertTrue(msg.contains("'N'") && msg.contains("[2, "), msg);
    }

    @Test
    void distinctPointersNeedQAtMostN() {
        String msg = rejected(Map.of("N", 3, "q", 4, "link", "mean", "pointers", "distinct"));
        assertTrue(msg.contains("pointers=distinct") && msg.contains("q=4") && msg.contains("N=3")
                && msg.contains("pointers=iid"), msg);
        Prompts.task(Map.of("N", 3, "q", 3, "link", "mean", "pointers", "distinct"), 1);
        Prompts.task(Map.of("N", 3, "q", 4, "link", "mean", "pointers", "iid"), 1);
    }

    @Test
    void linearLinkIsForOnePointer() {
        String msg = rejected(Map.of("N", 8, "q", 2));
        assertTrue(msg.contains("link=linear") && msg.contains("q=2") && msg.contains("sumlinear")
                && msg.contains("mean"), msg);
    }

    @Test
    void orthonormalSlotLinksNeedDAtLeastQ() {
        for (String link : List.of("sumlinear", "he2")) {
            String msg = rejected(Map.of("N", 8, "d", 2, "q", 3, "link", link));
            assertTrue(msg.contains("link=" + link) && msg.contains("d=2") && msg.contains("q=3"), msg);
            Prompts.task(Map.of("N", 8, "d", 3, "q", 3, "link", link), 1);
        }
        Prompts.task(Map.of("N", 8, "d", 2, "q", 3, "link", "mean"), 1);
    }

    @Test
    void codeWidthMustBePositive() {
        String msg = rejected(Map.of("N", 8, "d-e", 0));
        assertTrue(msg.contains("'d-e'") && msg.contains("[1, "), msg);
        msg = rejectedRaw(Map.of("N", 8, "d-e", 0));
        assertTrue(msg.contains("'d-e'") && msg.contains("[1, "), msg);
    }

    @Test
    void badChoicesAndUnknownNamesAreRejected() {
        String msg = rejected(Map.of("N", 8, "variant", "mixed"));
        assertTrue(msg.contains("'variant'") && msg.contains("general, simple"), msg);
        msg = rejected(Map.of("N", 8, "link", "cubic"));
        assertTrue(msg.contains("'link'") && msg.contains("linear, sumlinear, he2, mean"), msg);
        msg = rejected(Map.of("N", 8, "noise", -0.5));
        assertTrue(msg.contains("'noise'"), msg);
        msg = rejectedRaw(Map.of("N", 8, "heads", 2));
        assertTrue(msg.contains("unknown parameter 'heads'"), msg);
    }

    /** The message of the error that validating and creating {@code settings} throws. */
    private static String rejected(Map<String, ?> settings) {
        return assertThrows(IllegalArgumentException.class, () -> Prompts.task(settings, 1)).getMessage();
    }

    /** As {@link #rejected}, but the config is made by hand so only {@code create} can catch the error. */
    private static String rejectedRaw(Map<String, ?> settings) {
        Config raw = new Config("test", new LinkedHashMap<>(settings));
        return assertThrows(IllegalArgumentException.class, () -> Prompts.PROVIDER.create(raw, 1)).getMessage();
    }
}
