package org.samplex.testkit.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.samplex.api.Buffer;

/** Catalog entries for row gathers, concatenation and slicing along the last axis, and the fills. */
final class LayoutCases {
    private LayoutCases() {
    }

    /** out (n, w) = rows of table (rows, w); with n > rows some rows repeat, so their gradients add up. */
    static KernelCase gather(String name, int rows, int width, int n) {
        return KernelCase.builder(name)
                .input("table", rows * width)
                .indices("index", n, rows)
                .output("out", n * width)
                .reduction(n)
                .forward((be, t) -> be.gatherRowsForward(t.get("out"), t.get("table"), t.get("index"), n, width))
                .backward((be, t) -> be.gatherRowsBackward(t.get("dTable"), t.get("dOut"), t.get("index"), n, width))
                .build();
    }

    /** out (rows, sum widths) = parts p0, p1, ... side by side. */
    static KernelCase concat(String name, int rows, int[] widths) {
        KernelCase.Builder builder = KernelCase.builder(name);
        int total = 0;
        for (int p = 0; p < widths.length; p++) {
            builder.input("p" + p, rows * widths[p]);
            total += widths[p];
        }
        int[] w = widths.clone();
        return builder.output("out", rows * total)
                .forward((be, t) -> {
                    List<Buffer> parts = new ArrayList<>();
                    for (int p = 0; p < w.length; p++) {
                        parts.add(t.get("p" + p));
                    }
                    be.concatLastForward(t.get("out"), parts, rows, w);
                })
                .backward((be, t) -> {
                    // Arrays.asList keeps the null entries of unwanted gradients
                    Buffer[] grads = new Buffer[w.length];
                    for (int p = 0; p < w.length; p++) {
                        grads[p] = t.get("dP" + p);
                    }
                    be.concatLastBackward(Arrays.asList(grads), t.get("dOut"), rows, w);
                })
                .build();
    }

    /** out (rows, width) = columns [col0, col0 + width) of in (rows, inWidth). */
    static KernelCase slice(String name, int rows, int inWidth, int col0, int width) {
        return KernelCase.builder(name)
                .input("in", rows * inWidth)
                .output("out", rows * width)
                .forward((be, t) -> be.sliceLastForward(t.get("out"), t.get("in"), rows, inWidth, col0, width))
                .backward((be, t) -> be.sliceLastBackward(t.get("dIn"), t.get("dOut"), rows, inWidth, col0, width))
                .build();
    }

    /**
     * The four fills on n elements (n odd, so the last Philox block is used in part), substream 5 of
     * {@link KernelCatalog#STREAM}. The values are specified exactly by RngStream; float32 backends round them.
     */
    static List<KernelCase> fills(String suffix, int n) {
        return List.of(
                KernelCase.builder("fill" + suffix).saved("out", n)
                        .forward((be, t) -> be.fill(t.get("out"), 1.0 / 3.0)).build(),
                KernelCase.builder("fill uniform" + suffix).saved("out", n)
                        .depth(2)
                        .forward((be, t) -> be.fillUniform(t.get("out"), KernelCatalog.STREAM, 5, -0.5, 2.0)).build(),
                KernelCase.builder("fill normal" + suffix).saved("out", n)
                        .depth(2)
                        .forward((be, t) -> be.fillNormal(t.get("out"), KernelCatalog.STREAM, 5, 0.5, 2.0)).build(),
                KernelCase.builder("fill uniform int" + suffix).intOutput("out", n)
                        .forward((be, t) -> be.fillUniformInt(t.get("out"), KernelCatalog.STREAM, 5, 13)).build());
    }
}
