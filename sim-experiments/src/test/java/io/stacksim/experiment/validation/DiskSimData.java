package io.stacksim.experiment.validation;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates shared/data/disksim beside the repository root or an ancestor of it; tests skip without it. */
final class DiskSimData {
    private DiskSimData() {
    }

    static Path dir() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path d = dir.resolve("shared/data/disksim");
            if (Files.isDirectory(d)) {
                return d;
            }
        }
        assumeTrue(false, "shared DiskSim data (../shared/data/disksim) not found above " + start + "; skipping");
        return null;
    }
}
