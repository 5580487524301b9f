package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.samplex.api.Services.Found;

class ListCommandTest {

    /** The table row of backend {@code name} in {@code list} output, split on blanks. */
    private static String[] backendRow(String out, String name) {
        return out.lines().map(String::strip).filter(l -> l.startsWith(name + " "))
                .map(l -> l.split("\\s+")).findFirst().orElse(null);
    }

    @Test
    void showsTheBackendsWithTheirAvailability() {
        CliRunner.Run r = CliRunner.run("list");
        assertEquals(0, r.code(), r.err());
        for (String name : List.of("reference", "cpu")) {
            String[] row = backendRow(r.out(), name);
            assertNotNull(row, name + " missing from\n" + r.out());
            assertEquals("available", row[2], Arrays.toString(row));
        }
        String[] cuda = backendRow(r.out(), "cuda");
        assertNotNull(cuda, r.out());
        assertEquals("100", cuda[1]);
        assertEquals("unavailable", cuda[2]);
        assertEquals("org.samplex.backend.cuda", cuda[3], "providers are found as named modules");
        if (CliRunner.noNvidiaDriver()) {
            String line = r.out().lines().filter(l -> l.strip().startsWith("cuda ")).findFirst().orElseThrow();
            assertTrue(line.contains("libcuda.so.1"), line);
        }
        assertTrue(r.out().contains("Learners:") && r.out().contains("Tasks:"));
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void backendsAreListedInTheOrderAutoTriesThem() {
        String out = CliRunner.run("list", "backends").out();
        List<Integer> ranks = out.lines().map(String::strip).map(l -> l.split("\\s+"))
                .filter(a -> a.length > 2 && a[1].matches("-?\\d+")).map(a -> Integer.parseInt(a[1])).toList();
        assertTrue(ranks.size() >= 3, out);
        for (int i = 1; i < ranks.size(); i++) {
            assertTrue(ranks.get(i - 1) >= ranks.get(i), out);
        }
        assertFalse(out.contains("Learners:"), "naming a kind shows only that kind");
    }

    @Test
    void anEmptyKindSaysNoneFoundAndAFoundOneShowsItsHyperparameters() {
        check("learners", CliRunner.SERVICES.learners().stream().map(Found::name).toList());
        check("tasks", CliRunner.SERVICES.tasks().stream().map(Found::name).toList());
    }

    private static void check(String kind, List<String> names) {
        CliRunner.Run r = CliRunner.run("list", kind);
        assertEquals(0, r.code(), r.err());
        if (names.isEmpty()) {
            assertTrue(r.out().contains("none found"), r.out());
        } else {
            for (String n : names) {
                assertTrue(r.out().contains(n + " hyperparameters:") || r.out().contains(n + " has no hyperparameters"),
                        r.out());
            }
        }
    }

    @Test
    void jsonCarriesTheSameFacts() {
        CliRunner.Run r = CliRunner.run("list", "--json");
        assertEquals(0, r.code(), r.err());
        String out = r.out().strip();
        assertTrue(out.startsWith("{") && out.endsWith("}"), out);
        assertTrue(out.contains("\"name\": \"cuda\""));
        assertTrue(out.contains("\"available\": false"));
        assertTrue(out.contains("\"name\": \"reference\""));
        assertTrue(out.contains("\"learners\": ["));
        assertTrue(out.contains("\"tasks\": ["));
    }

    @Test
    void anUnknownKindIsAUsageError() {
        CliRunner.Run r = CliRunner.run("list", "gadgets");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gadgets"), r.err());
        assertTrue(r.out().isEmpty());
    }
}
