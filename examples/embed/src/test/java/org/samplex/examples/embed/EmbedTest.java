package org.samplex.examples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.samplex.api.Services;
import org.samplex.experiment.RunRecord;

/** The embedding example, run in-process: a batch, a short training run, n* printed as the record has it. */
class EmbedTest {

    @Test
    void drawsABatchTrainsATransformerAndPrintsNStar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        // N = 4, threshold 0.7 on 500 test prompts: about 5k training prompts, a few seconds on the cpu backend
        RunRecord record = Embed.run(Services.discover(), 4, 0.7, 500, out);
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(text.contains("a qSTR batch: input [4, 4, "), text);
        Matcher labels = Pattern.compile("prompt 0's labels \\[(.*)]").matcher(text);
        assertTrue(labels.find(), text);
        List<Double> values = Pattern.compile(", ").splitAsStream(labels.group(1)).map(Double::parseDouble).toList();
        assertEquals(4, values.size());
        assertTrue(values.stream().anyMatch(v -> v != 0), "labels are <u, x_t>, not zeros: " + values);

        assertEquals(RunRecord.Status.COMPLETED, record.status(), text);
        assertEquals("transformer", record.spec().learner());
        long nStar = record.nStar(0.7).orElseThrow();
        assertTrue(record.curve().getFirst().testMse() > 0.7, "it had something to learn: " + record.curve());
        assertTrue(record.curve().getLast().testMse() < 0.7);
        Matcher printed = Pattern.compile("n\\* = ([\\d,]+) prompts").matcher(text);
        assertTrue(printed.find(), text);
        assertEquals(nStar, Long.parseLong(printed.group(1).replace(",", "")));
    }
}
