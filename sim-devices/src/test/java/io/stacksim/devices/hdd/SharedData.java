package io.stacksim.devices.hdd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates /work/shared/data/disksim relative to the repository root (tests skip without it). */
public final class SharedData {
    private SharedData() {
    }

    /**
     * The DiskSim data folder: {@code shared/data/disksim} beside the repository root or one of its
     * ancestors (the main checkout's root is /work/main, a worktree's /work/wt/NAME; the shared
     * folder is /work/shared), or a skipped test when it is absent.
     */
    public static Path disksim() {
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
