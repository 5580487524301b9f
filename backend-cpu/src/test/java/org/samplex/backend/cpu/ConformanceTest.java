package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.Services;
import org.samplex.testkit.conformance.Conformance;
import org.samplex.testkit.conformance.KernelCase;
import org.samplex.testkit.conformance.KernelCatalog;

/**
 * Every backend found by the service loader, other than the reference, against the reference on every catalog
 * case (tolerances derived in {@link Conformance}); and bit-identical results across repeated runs at the same
 * thread count. Today that is {@code cpu}; backend-cuda runs the same {@link Conformance} from samplex-testkit.
 */
class ConformanceTest {
    /** Worst error / tolerance per backend setting and case, written to target/conformance.md. */
    private static final Map<String, Double> HEADROOM = new ConcurrentSkipListMap<>();

    static List<BackendProvider> fastProviders() {
        return Services.discover().backends().stream().map(Services.Found::provider)
                .filter(p -> !p.name().equals("reference") && p.probe().available()).toList();
    }

    @Test
    void theServiceLoaderFindsBothHostBackends() {
        List<String> names = Services.discover().backends().stream().map(Services.Found::name).toList();
        assertTrue(names.contains("reference") && names.contains("cpu"), "backends found: " + names);
    }

    @TestFactory
    Stream<DynamicContainer> againstReference() {
        return fastProviders().stream().flatMap(p -> Stream.of(1, 3).map(threads -> DynamicContainer.dynamicContainer(
                p.name() + " threads=" + threads, KernelCatalog.all().stream().map(c -> DynamicTest.dynamicTest(
                        c.name(), () -> {
                            try (Backend fast = p.open(BackendOptions.threads(threads));
                                 Backend reference = new ReferenceBackend()) {
                                checkAndRecord(p.name() + " threads=" + threads, c, fast, reference);
                            }
                        })))));
    }

    private static void checkAndRecord(String setting, KernelCase c, Backend fast, Backend reference) {
        List<Conformance.Deviation> deviations = Conformance.compare(c, fast, reference);
        HEADROOM.put(setting + " | " + c.name(),
                deviations.stream().mapToDouble(Conformance.Deviation::ratio).max().orElse(0));
        List<Conformance.Deviation> failed = deviations.stream().filter(d -> !d.passes()).toList();
        assertTrue(failed.isEmpty(), () -> c.name() + " on " + setting + " departs from the reference: " + failed);
    }

    @TestFactory
    Stream<DynamicContainer> deterministicAtTheSameThreadCount() {
        return fastProviders().stream().flatMap(p -> Stream.of(1, 2).map(threads -> DynamicContainer.dynamicContainer(
                p.name() + " threads=" + threads, KernelCatalog.all().stream().map(c -> DynamicTest.dynamicTest(
                        c.name(), () -> {
                            try (Backend first = p.open(BackendOptions.threads(threads));
                                 Backend second = p.open(BackendOptions.threads(threads))) {
                                Conformance.checkDeterministic(c, first, second);
                            }
                        })))));
    }

    @AfterAll
    static void writeHeadroom() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Conformance against the reference: worst |fast - reference| / tolerance per case");
        lines.add("");
        lines.add("| backend | case | worst ratio |");
        lines.add("|---|---|---|");
        HEADROOM.forEach((k, v) -> lines.add("| " + k + " | " + String.format("%.3f", v) + " |"));
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("conformance.md"), String.join("\n", lines) + "\n");
    }
}
