package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.RunKeys;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;

class RunKeysTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    private static RunSpecBuilder base() {
        return RunSpec.builder("linear", "tiny").thresholds(0.5).backend("reference").cap(640).testSize(50);
    }

    private static String key(RunSpecBuilder b) {
        return RunKeys.of(TRAINER.resolve(b.build()));
    }

    @Test
    void theKeyIsTheSha256OfTheCanonicalSpecWithoutThreadsAndTheVersion() throws Exception {
        RunSpec resolved = TRAINER.resolve(base().threads(3).build());
        // Written out by hand from the documented layout: sorted keys, no whitespace.
        String canonical = "{\"samplex\":\"9.9\",\"spec\":{\"backend\":\"reference\",\"batch\":64,\"beta1\":0.9,"
                + "\"beta2\":0.999,\"cap\":640,\"check_every\":1,\"eps\":1e-8,\"learner\":\"linear\","
                + "\"learner_options\":{\"nan\":false,\"throw\":false},\"lr\":0.001,\"seed\":0,\"task\":\"tiny\","
                + "\"task_options\":{\"N\":3,\"d\":2},\"task_seed\":0,\"test_size\":50,\"thresholds\":[0.5],"
                + "\"weight_decay\":0.1}}";
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(digest), RunKeys.of(resolved, "9.9"));
        assertTrue(RunKeys.of(resolved).matches("[0-9a-f]{64}"));
    }

    @Test
    void threadsDoNotChangeTheKeyButBackendSeedOptionsAndVersionDo() {
        String k = key(base());
        assertEquals(k, key(base().threads(7)));
        assertNotEquals(k, key(base().backend("cpu")));
        assertNotEquals(k, key(base().seed(1)));
        assertNotEquals(k, key(base().taskOption("N", 4)));
        assertNotEquals(k, key(base().learnerOption("nan", true)));
        RunSpec resolved = TRAINER.resolve(base().build());
        assertNotEquals(RunKeys.of(resolved, "1.0"), RunKeys.of(resolved, "1.1"));
    }

    @Test
    void defaultsSpelledOutOrNotAndTextOrTypedValuesGiveOneKey() {
        String k = key(base());
        assertEquals(k, key(base().learnerOption("nan", "false")));
        assertEquals(k, key(base().learnerOption("nan", false).taskOption("N", "3")));
        assertEquals(k, key(base().taskOptions(new TreeMap<>(Map.of("d", 2, "N", 3)))));
    }

    @Test
    void autoIsRefused() {
        RunSpec auto = TRAINER.resolve(base().backend("auto").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunKeys.of(auto));
        assertTrue(e.getMessage().contains("auto"), e.getMessage());
    }
}
