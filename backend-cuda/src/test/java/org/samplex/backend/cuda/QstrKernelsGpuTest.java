package org.samplex.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.Probe;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;

/**
 * qstr.cu's prompts on the device against the host's (QstrSampler through the task, on the cpu backend): the same
 * float inputs and labels, bit for bit, for settings that need neither the fixed code table nor the directions
 * (resampled codes, the sqnorm link), with distinct pointers, half content and label noise, at a prompt offset whose
 * substreams carry into their high word. Run by the GPU check; skipped without a device.
 */
@Tag("gpu")
class QstrKernelsGpuTest {

    @Test
    void theDevicesPromptsAreTheHostsBitForBit() {
        Probe probe = new CudaBackendProvider().probe();
        assumeTrue(probe.available(), "no usable CUDA device: " + probe.reason());
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("N", 12, "q", 3, "link", "sqnorm",
                "pointers", "distinct", "positional", "resampled", "noise", 0.3, "content", "half"));
        TaskProvider provider = Services.discover().task("qstr");
        Task task = provider.create(provider.schema().validate(settings), 3);
        int n = 12;
        int d = 10;
        int q = 3;
        int width = task.shape().inputWidth();
        int de = (width - d) / (q + 1);
        int count = 64;
        long first = (1L << 29) + 5;
        RngStream stream = RngStream.of(7, "train");
        float[] hostInput = new float[count * n * width];
        float[] hostLabels = new float[count * n];
        try (Backend cpu = Services.discover().backend("cpu").open(BackendOptions.threads(1));
             Arena arena = new Arena(cpu)) {
            Batch b = task.batch(cpu, arena, Task.Split.TRAIN, stream, first, count);
            cpu.copyToHost(b.input().value(), hostInput);
            cpu.copyToHost(b.labels().value(), hostLabels);
        }
        float[] input = new float[hostInput.length];
        float[] labels = new float[hostLabels.length];
        try (CudaBackend cuda = (CudaBackend) new CudaBackendProvider().open(BackendOptions.defaults());
             Buffer x = cuda.allocate(DType.FLOAT32, 2L * count * n * d);      // (count, N, d) doubles
             Buffer t = cuda.allocate(DType.INT32, (long) count * n * q);      // (count, N, q)
             Buffer in = cuda.allocate(DType.FLOAT32, (long) count * n * width);
             Buffer y = cuda.allocate(DType.FLOAT32, (long) count * n)) {
            long xa = ((CudaBuffer) x).address();
            long ta = ((CudaBuffer) t).address();
            cuda.run("qstr", "qstr_content", (long) count * ((n * d + 1) / 2), xa, count, first, n, d, 1,
                    stream.k0(), stream.k1());
            cuda.run("qstr", "qstr_pointers", (long) count * n, ta, count, first, n, q, 0, 1, stream.k0(),
                    stream.k1());
            cuda.run("qstr", "qstr_assemble", (long) count * n, ((CudaBuffer) in).address(),
                    ((CudaBuffer) y).address(), xa, ta, 0L, 0L, count, first, n, d, q, de, 4, 1,
                    1.0 / Math.sqrt(de), 0.3, 1, stream.k0(), stream.k1());
            cuda.copyToHost(in, input);
            cuda.copyToHost(y, labels);
        }
        assertEquals(0, differing(hostInput, input), "input floats that differ, of " + input.length);
        assertEquals(0, differing(hostLabels, labels), "label floats that differ, of " + labels.length);
    }

    /**
     * The device path a cuda run takes (QstrTask asks the backend to generate, Backend.qstrPrompts): batches and a
     * refill that wraps at a fixed set's end, both splits, for the settings that read the fixed code table and the
     * link directions too, against the host path on the cpu backend, bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"N=12", "N=9 q=3 link=he2 pointers=distinct variant=simple", "N=8 q=2 link=mean",
            "N=16 q=3 link=sumlinear test-variant=simple noise=0.1"})
    void aTasksBatchesAndRefillsOnCudaAreTheHostsBitForBit(String settings) {
        Probe probe = new CudaBackendProvider().probe();
        assumeTrue(probe.available(), "no usable CUDA device: " + probe.reason());
        Map<String, Object> options = new LinkedHashMap<>();
        for (String kv : settings.split(" ")) {
            String[] p = kv.split("=", 2);
            options.put(p[0], p[1]);
        }
        TaskProvider provider = Services.discover().task("qstr");
        Task task = provider.create(provider.schema().validate(options), 5);
        try (Backend cpu = Services.discover().backend("cpu").open(BackendOptions.threads(1));
             Backend cuda = new CudaBackendProvider().open(BackendOptions.defaults());
             Arena onCpu = new Arena(cpu);
             Arena onCuda = new Arena(cuda)) {
            for (Task.Split split : Task.Split.values()) {
                RngStream stream = RngStream.of(3, split.name());
                long first = (1L << 29) + 3;
                Batch host = task.batch(cpu, onCpu, split, stream, first, 64);
                Batch device = task.batch(cuda, onCuda, split, stream, first, 64);
                assertSame(cpu, host, cuda, device, settings + ", batch, " + split);
                task.refill(cpu, host, split, stream, 7, 40);
                task.refill(cuda, device, split, stream, 7, 40);
                assertSame(cpu, host, cuda, device, settings + ", wrapped refill, " + split);
            }
        }
    }

    private static void assertSame(Backend cpu, Batch host, Backend cuda, Batch device, String where) {
        float[] hi = new float[(int) host.input().size()];
        float[] di = new float[hi.length];
        float[] hy = new float[(int) host.labels().size()];
        float[] dy = new float[hy.length];
        cpu.copyToHost(host.input().value(), hi);
        cuda.copyToHost(device.input().value(), di);
        cpu.copyToHost(host.labels().value(), hy);
        cuda.copyToHost(device.labels().value(), dy);
        assertEquals(0, differing(hi, di), "input floats that differ, of " + hi.length + ": " + where);
        assertEquals(0, differing(hy, dy), "label floats that differ, of " + hy.length + ": " + where);
    }

    private static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Float.floatToRawIntBits(a[i]) == Float.floatToRawIntBits(b[i]) ? 0 : 1;
        }
        return n;
    }
}
