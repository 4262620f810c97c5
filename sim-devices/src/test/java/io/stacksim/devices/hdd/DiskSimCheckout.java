package io.stacksim.devices.hdd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates a DiskSim 4.0 checkout's {@code valid/} folder (its validation specs and traces), which
 * the project does not carry: the system property {@code disksim.home}, else the environment
 * variable {@code DISKSIM_HOME}, else {@code peers/disksim} beside the repository root or one of
 * its ancestors. Tests that need it skip with a message when it is absent.
 */
public final class DiskSimCheckout {
    private DiskSimCheckout() {
    }

    /** The checkout's valid/ folder, or null. */
    public static Path find() {
        for (String home : new String[] {System.getProperty("disksim.home"), System.getenv("DISKSIM_HOME")}) {
            if (home != null && !home.isBlank() && Files.isDirectory(Path.of(home, "valid"))) {
                return Path.of(home, "valid");
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path v = dir.resolve("peers/disksim/valid");
            if (Files.isDirectory(v)) {
                return v;
            }
        }
        return null;
    }

    /** The checkout's valid/ folder, or a skipped test when there is none. */
    public static Path valid() {
        Path v = find();
        assumeTrue(v != null, "no DiskSim 4.0 checkout (set -Ddisksim.home or DISKSIM_HOME to one, e.g. a clone of"
                + " dmeister/disksim-4-0-x64); skipping");
        return v;
    }
}
