package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void reportsTheJdkOsAndEveryBackendsProbe() {
        CliRunner.Run r = CliRunner.run("doctor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(Runtime.version().toString()), r.out());
        assertTrue(r.out().contains(System.getProperty("os.name")));
        assertTrue(r.out().contains("javacpp cache: "), "the cuda probe's details are shown");
        for (var f : CliRunner.SERVICES.backends()) {
            assertTrue(r.out().contains("  " + f.name() + " (rank "), f.name());
        }
    }

    @Test
    void anUnavailableBackendAskedForByNameExits3WithTheReason() {
        assumeTrue(CliRunner.noNvidiaDriver(), "this machine has an NVIDIA driver");
        CliRunner.Run r = CliRunner.run("doctor", "--backend", "cuda");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("libcuda.so.1"), r.err());
    }

    @Test
    void anUnknownBackendExits2AndListsTheKnownOnes() {
        CliRunner.Run r = CliRunner.run("doctor", "--backend", "quantum");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'quantum'") && r.err().contains("reference"), r.err());
    }

    @Test
    void anAvailableBackendOpensAndCloses() {
        CliRunner.Run r = CliRunner.run("doctor", "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Opened reference"), r.out());
    }
}
