package io.stacksim.devices.hdd.disksim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a DiskSim 4.0 checkout is (for instance a clone of dmeister/disksim-4-0-x64): its
 * {@code valid/} folder holds the specs and measured traces of DiskSim's validation suite,
 * which StackSim does not carry. Looked for in the system property {@code disksim.home}, the
 * environment variable {@code DISKSIM_HOME}, then a {@code peers/disksim} folder beside the
 * working directory or one of its ancestors.
 */
public final class DiskSimCheckout {
    private DiskSimCheckout() {
    }

    /** The checkout's valid/ folder, if one is found. */
    public static Optional<Path> valid() {
        for (String home : new String[] {System.getProperty("disksim.home"), System.getenv("DISKSIM_HOME")}) {
            if (home != null && !home.isBlank() && Files.isDirectory(Path.of(home, "valid"))) {
                return Optional.of(Path.of(home, "valid"));
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path v = dir.resolve("peers/disksim/valid");
            if (Files.isDirectory(v)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The sentence a skipped test or a failed command shows when no checkout is found. */
    public static String missing() {
        return "no DiskSim 4.0 checkout found (set -Ddisksim.home or DISKSIM_HOME to one, e.g. a clone of"
                + " dmeister/disksim-4-0-x64, or put it at peers/disksim beside this checkout)";
    }
}
