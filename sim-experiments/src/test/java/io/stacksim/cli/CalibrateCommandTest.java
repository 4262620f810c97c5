package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrateCommandTest {
    @Test
    void withoutFioCalibrateRefusesWithOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path target = Files.write(dir.resolve("disk.img"), new byte[4096]);
        CliRunner.Outcome o = CliRunner.cli("calibrate", target.toString(), "--fio", dir.resolve("no-fio").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("stacksim: calibrate runs fio on the real target, and fio is not installed")
                .doesNotContain("\n");
    }

    @Test
    void checkNeedsATargetAndJobs(@TempDir Path dir) throws Exception {
        Path profile = Files.writeString(dir.resolve("p.yaml"), "name: p\nkind: latency\nparams: {}\n");
        CliRunner.Outcome o = CliRunner.cli("calibrate", "--check", profile.toString(), "--reuse", "--work-dir", dir.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("needs --target and at least one job file");
    }

    @Test
    void aCharacterDeviceIsRefusedBeforeFioRunsOnIt(@TempDir Path dir) throws Exception {
        // /dev/null is no disk: fio would run on it and calibrate a profile of nothing
        CliRunner.Outcome o = CliRunner.cli("calibrate", "/dev/null", "--reuse", "--work-dir", dir.resolve("w").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("stacksim: /dev/null: not a block device or a regular file (expected one for fio"
                + " to run on)");
    }
}
