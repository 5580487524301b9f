package org.samplex.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.samplex.testkit.Fixtures.TINY;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.Probe;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.AdamWConfig;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tape;
import org.samplex.testkit.conformance.Conformance;
import org.samplex.testkit.conformance.KernelCase;
import org.samplex.testkit.conformance.KernelCatalog;
import org.samplex.testkit.conformance.LearnerChecks;

/**
 * The cuda backend on a real GPU: the shared conformance suite against the reference, determinism, whole-model
 * parity after AdamW steps, and device memory after 1,000 training steps. Skipped (with the probe's reason) where
 * the provider finds no usable device.
 */
@Tag("gpu")
class CudaBackendGpuTest {

    private static Probe probe;

    @BeforeAll
    static void probeOnce() {
        probe = new CudaBackendProvider().probe();
        if (!probe.available()) {
            System.out.println("cuda GPU tests skipped: " + probe.reason());
        }
    }

    @BeforeEach
    void needsADevice() {
        assumeTrue(probe.available(), "no usable CUDA device: " + probe.reason());
    }

    private static CudaBackend cuda() {
        return (CudaBackend) new CudaBackendProvider().open(BackendOptions.defaults());
    }

    private static Backend reference() {
        return Services.discover().backend("reference").open(BackendOptions.threads(1));
    }

    @Test
    void everyCatalogCaseConformsToTheReference() {
        List<String> failed = new ArrayList<>();
        int compared = 0;
        try (Backend gpu = cuda(); Backend ref = reference()) {
            for (KernelCase c : KernelCatalog.all()) {
                try {
                    for (Conformance.Deviation d : Conformance.compare(c, gpu, ref)) {
                        compared++;
                        if (!d.passes()) {
                            failed.add(String.format("%-48s %-12s %10.3g %10.3g", c.name(), d.buffer(), d.error(),
                                    d.tolerance()));
                        }
                    }
                } catch (AssertionError | RuntimeException e) {
                    failed.add(String.format("%-48s %s", c.name(), e.getMessage()));
                }
            }
            assertEquals(0, gpu.liveBuffers(), "every case closes what it allocated");
        }
        System.out.println("cuda conformance: " + KernelCatalog.all().size() + " cases, " + compared
                + " buffers compared, " + failed.size() + " failing");
        if (!failed.isEmpty()) {
            System.out.println(String.format("%-48s %-12s %10s %10s", "case", "buffer", "max error", "tolerance"));
            failed.forEach(System.out::println);
        }
        assertEquals(List.of(), failed);
    }

    @Test
    void everyCatalogCaseGivesTheSameBitsTwice() {
        try (Backend first = cuda(); Backend second = cuda()) {
            for (KernelCase c : KernelCatalog.all()) {
                Conformance.checkDeterministic(c, first, second);
            }
        }
    }

    @Test
    void largeAttentionMatchesTheReference() {
        // N and head width at the sizes the issue names, a few queries' worth of batch so the reference stays quick
        try (Backend gpu = cuda(); Backend ref = reference()) {
            for (KernelCase c : List.of(attention("attention hd=256 N=300 causal", 1, 300, 1, 256, true),
                    attention("attention H=4 hd=64 N=520", 1, 520, 4, 64, false))) {
                List<Conformance.Deviation> bad = Conformance.compare(c, gpu, ref).stream()
                        .filter(d -> !d.passes()).toList();
                assertEquals(List.of(), bad);
            }
        }
    }

    private static KernelCase attention(String name, int batch, int positions, int heads, int headWidth,
                                        boolean causal) {
        int size = batch * positions * heads * headWidth;
        double scale = 1.0 / Math.sqrt(headWidth);
        return KernelCase.builder(name).input("q", size).input("k", size).input("v", size).output("out", size)
                .saved("lse", batch * heads * positions).reduction(2 * headWidth + 3 * positions).depth(8)
                .forward((be, t) -> be.attentionForward(t.get("out"), t.get("lse"), t.get("q"), t.get("k"),
                        t.get("v"), batch, positions, heads, headWidth, scale, causal))
                .backward((be, t) -> be.attentionBackward(t.get("dQ"), t.get("dK"), t.get("dV"), t.get("dOut"),
                        t.get("q"), t.get("k"), t.get("v"), t.get("out"), t.get("lse"), batch, positions, heads,
                        headWidth, scale, causal))
                .build();
    }

    @Test
    void wholeModelsMatchTheReferenceAfterThreeAdamWSteps() {
        Services s = Services.discover();
        List<String> failed = new ArrayList<>();
        record Model(String learner, TaskShape shape, Map<String, Object> config) {
        }
        for (Model m : List.of(
                new Model("mlp", TINY, Map.of("width1", 5, "width2", 4)),
                new Model("transformer", TINY, Map.of("mlp-width", 5)),
                new Model("transformer", TINY, Map.of("heads", 2, "split-heads", true, "mlp-width", 5)),
                new Model("gru", new TaskShape(5, 8, 4, 1), Map.of("hidden", 16, "bidirectional", true)))) {
            LearnerProvider provider = s.learner(m.learner());
            Config config = provider.schema().validate(m.config());
            var ref = LearnerChecks.afterSteps("reference", 1, provider, m.shape(), config, 4, 3, 5);
            var gpu = LearnerChecks.afterSteps("cuda", 1, provider, m.shape(), config, 4, 3, 5);
            double diff = LearnerChecks.relativeDifference(gpu.grads(), ref.grads());
            double lossError = Math.abs(gpu.loss() - ref.loss()) / ref.loss();
            System.out.printf("cuda parity %s %s: loss error %.3g, gradient difference %.3g%n", m.learner(),
                    m.config(), lossError, diff);
            // float32 through a few short sums and 3 Adam steps gives ~1e-6; a wrong kernel gives O(1)
            if (!(lossError < 1e-4 && diff < 1e-4)) {
                failed.add(m.learner() + " " + m.config() + ": loss error " + lossError + ", gradients " + diff);
            }
        }
        assertEquals(List.of(), failed);
    }

    @Test
    void sameSeedGivesTheSameBits() {
        LearnerProvider provider = Services.discover().learner("transformer");
        Config config = provider.schema().validate(Map.of("heads", 2, "mlp-width", 5));
        var once = LearnerChecks.afterSteps("cuda", 1, provider, TINY, config, 4, 3, 5);
        var again = LearnerChecks.afterSteps("cuda", 1, provider, TINY, config, 4, 3, 5);
        assertEquals(Double.doubleToLongBits(once.loss()), Double.doubleToLongBits(again.loss()));
        assertArrayEquals(once.grads(), again.grads());
    }

    @Test
    void deviceMemoryReturnsToItsStartAfterAThousandSteps() {
        LearnerProvider provider = Services.discover().learner("mlp");
        TaskShape shape = new TaskShape(6, 30, 10, 1);
        Config config = provider.schema().validate(Map.of("width1", 64, "width2", 32));
        // the keeper holds the primary context, so its own setup is not counted; one short run first pays for
        // whatever the driver and cuBLAS set up once per context
        try (CudaBackend keeper = cuda()) {
            train(provider, shape, config, 1);
            long before = keeper.deviceMemoryInUse();
            long live = train(provider, shape, config, 1000);
            long after = keeper.deviceMemoryInUse();
            System.out.printf("cuda memory: %d bytes in use before, %d after 1000 steps%n", before, after);
            assertEquals(0, live, "buffers still open after the model and arena were closed");
            assertEquals(before, after, "device memory in use after closing the backend");
        }
    }

    /** Trains an mlp for {@code steps} AdamW steps on a fresh backend; returns its live buffers at the end. */
    private static long train(LearnerProvider provider, TaskShape shape, Config config, int steps) {
        SplittableRandom r = new SplittableRandom(3);
        try (Backend be = cuda()) {
            try (Arena arena = new Arena(be); Learner m = provider.create(shape, config, be, 7)) {
                Tape tape = new Tape(be, arena);
                AdamW opt = new AdamW(AdamWConfig.paper());
                for (int s = 0; s < steps; s++) {
                    LearnerChecks.loss(m, tape, shape, LearnerChecks.Data.random(shape, 16, r), true);
                    opt.step(m.parameters());
                }
            }
            return be.liveBuffers();
        }
    }

    @Test
    void argumentsAreCheckedBeforeAnythingRuns() {
        try (CudaBackend gpu = cuda(); Buffer small = gpu.allocate(4); Buffer big = gpu.allocate(64)) {
            var e = assertThrows(IllegalArgumentException.class, () -> gpu.addForward(big, big, small, 16));
            assertTrue(e.getMessage().startsWith("addForward b: needs 16 elements"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gpu.attentionForward(big, small, big, big, big, 1, 1,
                    1, 512, 1.0, false));
            small.close();
            assertThrows(IllegalStateException.class, () -> gpu.fill(small, 1.0));
        }
    }

    @Test
    void closingTheBackendReleasesOpenBuffers() {
        CudaBackend gpu = cuda();
        Buffer b = gpu.allocate(1 << 20);
        assertEquals(1, gpu.liveBuffers());
        gpu.close();
        assertTrue(b.isClosed());
        assertThrows(IllegalStateException.class, () -> gpu.allocate(4));
    }

    @Test
    void unknownOptionsAreRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CudaBackendProvider().open(new BackendOptions(0, Map.of("tf16", "true"))));
        assertTrue(e.getMessage().contains("'tf16'") && e.getMessage().contains("tf32"), e.getMessage());
        try (Backend tf32 = new CudaBackendProvider().open(new BackendOptions(0, Map.of("tf32", "true")))) {
            assertEquals("cuda", tf32.name());
        }
    }
}
