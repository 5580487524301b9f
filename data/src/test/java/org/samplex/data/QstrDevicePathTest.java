package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.QstrPrompts;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;

/**
 * QstrTask's device path (a backend that generates qSTR prompts itself, as cuda does with qstr.cu) on a machine
 * without a GPU: a cpu backend whose {@code qstrPrompts} runs the kernels' emulation ({@link QstrKernelEmulation})
 * from nothing but the {@link QstrPrompts} the task hands it. Its batches and refills (wrapping at a fixed set's
 * end too) must be the host path's floats bit for bit, for both splits: so the task passes every setting, table
 * and index the kernels need, and uses the device path for batch and refill alike.
 */
class QstrDevicePathTest {

    /** A cpu backend that says it generates qSTR prompts and does so with the kernels' emulation. */
    private static Backend emulatingDevice(Backend cpu, List<QstrPrompts> heard) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "generatesQstr" -> true;
                    case "qstrPrompts" -> {
                        generate(cpu, (QstrPrompts) args[0], (Buffer) args[1], (Buffer) args[2], (RngStream) args[3],
                                (long) args[4], (int) args[5]);
                        heard.add((QstrPrompts) args[0]);
                        yield null;
                    }
                    default -> {
                        try {
                            yield method.invoke(cpu, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    /** qstr.cu's three kernels, emulated, then the float rounding of the device's stores. */
    private static void generate(Backend cpu, QstrPrompts p, Buffer input, Buffer labels, RngStream s, long first,
                                 int count) {
        int n = p.positions();
        int d = p.contentWidth();
        int q = p.pointers();
        double[] x = new double[count * n * d];
        int[] t = new int[count * n * q];
        double[] in = new double[count * n * p.inputWidth()];
        double[] y = new double[count * n];
        QstrKernelEmulation.content(x, count, first, n, d, p.halfContent(), s);
        QstrKernelEmulation.pointers(t, count, first, n, q, p.simple(), p.distinct(), s);
        QstrKernelEmulation.assemble(in, y, x, t, p.code(), p.directions(), count, first, n, d, q, p.codeWidth(),
                p.link(), p.resampled(), p.codeAmplitude(), p.noise(), p.halfContent(), s);
        cpu.copyFromHost(input, in);
        cpu.copyFromHost(labels, y);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"N=9", "N=9 q=3 link=he2 pointers=distinct variant=simple",
            "N=12 q=3 link=sqnorm content=half positional=resampled noise=0.3", "N=8 q=2 link=mean test-variant=simple"})
    void aBackendThatGeneratesPromptsGetsTheHostsBatchesAndRefillsBitForBit(String settings) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (String kv : settings.split(" ")) {
            String[] p = kv.split("=", 2);
            options.put(p[0], p[1]);
        }
        Task task = Prompts.task(options, 5);
        List<QstrPrompts> heard = new ArrayList<>();
        try (Backend cpu = Services.discover().backend("cpu").open(BackendOptions.threads(1));
             Arena arena = new Arena(cpu)) {
            Backend device = emulatingDevice(cpu, heard);
            for (Task.Split split : Task.Split.values()) {
                RngStream stream = RngStream.of(3, split.name());
                // a batch at an offset whose substreams carry into their high word
                long first = (1L << 29) + 3;
                assertSameFloats(cpu, task.batch(cpu, arena, split, stream, first, 6),
                        task.batch(device, arena, split, stream, first, 6), settings + ", batch, " + split);
                // a refill of a fixed set of 10 prompts from prompt 7: prompts 7, 8, 9, then 0, 1, 2 (two runs)
                Batch host = task.batch(cpu, arena, split, stream, 0, 6);
                Batch onDevice = task.batch(cpu, arena, split, stream, 0, 6);
                task.refill(cpu, host, split, stream, 7, 10);
                task.refill(device, onDevice, split, stream, 7, 10);
                assertSameFloats(cpu, host, onDevice, settings + ", wrapped refill, " + split);
                task.refill(cpu, host, split, stream, 40);
                task.refill(device, onDevice, split, stream, 40);
                assertSameFloats(cpu, host, onDevice, settings + ", refill, " + split);
            }
        }
        assertEquals(2 * (1 + 2 + 1), heard.size(), "per split: the batch, the wrapped refill's two runs, a refill");
        assertTrue(heard.stream().allMatch(p -> p.positions() > 0 && p.directions().length > 0), heard.toString());
    }

    private static void assertSameFloats(Backend cpu, Batch expected, Batch actual, String where) {
        assertArrayEquals(floats(cpu, expected.input().value()), floats(cpu, actual.input().value()), where);
        assertArrayEquals(floats(cpu, expected.labels().value()), floats(cpu, actual.labels().value()), where);
    }

    private static int[] floats(Backend cpu, Buffer b) {
        float[] v = new float[(int) b.length()];
        cpu.copyToHost(b, v);
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }
}
