package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.samplex.api.rng.RngStream;

/**
 * The device generator's arithmetic (backend-cuda's qstr.cu, emulated thread by thread by
 * {@link QstrKernelEmulation}) reproduces {@link QstrSampler}'s prompts bit for bit in double precision, for every
 * link, both variants, iid and distinct pointers, fixed and resampled codes, half content and label noise, at a
 * prompt offset past 2^32 / 8 (so substreams carry into their high word).
 */
class QstrKernelEmulationTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "N=7",
            "N=12 variant=simple",
            "N=9 q=3 link=sumlinear",
            "N=9 q=3 link=he2 pointers=distinct",
            "N=9 q=2 link=mean variant=simple pointers=distinct",
            "N=12 q=3 link=sqnorm content=half pointers=distinct",
            "N=11 positional=resampled noise=0.3",
            "N=16 q=2 link=sumlinear pos-scale=true positional=resampled d=5",
            "N=70 q=64 link=mean pointers=distinct"})
    void theKernelsArithmeticReproducesTheHostsPromptsBitForBit(String settings) {
        QstrConfig c = QstrConfig.from(Prompts.PROVIDER.schema().validate(options(settings)));
        QstrSampler sampler = new QstrSampler(c, 3);
        for (boolean simple : new boolean[] {false, true}) {
            for (long first : new long[] {0, 5, (1L << 29) + 7}) {
                RngStream stream = RngStream.of(11, "train");
                int count = 4;
                int n = c.positions();
                double[] hostInput = new double[count * n * c.inputWidth()];
                double[] hostLabels = new double[count * n];
                sampler.prompts(stream, simple || c.simple(), first, count, hostInput, hostLabels);
                double[] input = new double[hostInput.length];
                double[] labels = new double[hostLabels.length];
                QstrKernelEmulation.run(sampler, c, stream, simple || c.simple(), first, count, input, labels);
                String where = settings + ", simple " + simple + ", first prompt " + first;
                assertArrayEquals(bits(hostInput), bits(input), "inputs of " + where);
                assertArrayEquals(bits(hostLabels), bits(labels), "labels of " + where);
            }
        }
    }

    @Test
    void distinctPointersBeyondWhatAThreadKeepsAreLeftToTheHost() {
        QstrConfig c = QstrConfig.from(Prompts.PROVIDER.schema().validate(options("N=80 q=65 link=mean pointers=distinct")));
        var e = assertThrows(IllegalStateException.class, () -> QstrKernelEmulation.pointers(new int[80 * 65], 1, 0,
                80, 65, false, true, RngStream.of(1, "train")));
        assertArrayEquals(new String[] {"the kernel traps: distinct pointers with q > 64"},
                new String[] {e.getMessage()}, c.toString());
    }

    private static Map<String, Object> options(String settings) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String kv : settings.split(" ")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], p[1]);
        }
        return m;
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
