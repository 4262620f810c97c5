package io.stacksim.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the project's shared data (../shared beside the repository) by walking up from the module. */
public final class SharedData {
    private SharedData() {
    }

    /** The shared directory; skips the calling test with a message when it is absent. */
    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("shared");
            if (Files.isDirectory(s.resolve("samples"))) {
                return s;
            }
        }
        Assumptions.abort("shared data (../shared beside the repository) is absent: test skipped");
        return null;
    }

    public static Path file(String relative) {
        Path f = dir().resolve(relative);
        Assumptions.assumeTrue(Files.exists(f), "shared file " + f + " is absent: test skipped");
        return f;
    }
}
