package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateTraceTest {
    @TempDir
    Path tmp;

    private Path write(String text) throws IOException {
        Path f = tmp.resolve("t.trace");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsOperationActionBlockSizeServiceTimeAndIdleGap() throws IOException {
        // Lines in the form of DiskSim 4.0's valid/*.trace (iotrace_validate_get_ioreq_event).
        Path f = write("R Miss 1284032 8 15327.2 12011.5\n\nW Hit 7 16 900 0\n");
        try (ValidateTrace t = ValidateTrace.open(f)) {
            ValidateTrace.Entry a = t.next();
            assertThat(a.read()).isTrue();
            assertThat(a.action()).isEqualTo("Miss");
            assertThat(a.lbn()).isEqualTo(1284032);
            assertThat(a.blocks()).isEqualTo(8);
            assertThat(a.measuredMs()).isCloseTo(15.3272, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(a.gapUs()).isEqualTo(12011.5);
            ValidateTrace.Entry b = t.next();
            assertThat(b.read()).isFalse();
            assertThat(b.line()).isEqualTo(3);
            assertThat(t.next()).isNull();
        }
    }

    @Test
    void malformedLineIsAnErrorNamingFileAndLine() throws IOException {
        Path f = write("R Miss 0 8 100 0\nX Miss 0 8 100 0\n");
        try (ValidateTrace t = ValidateTrace.open(f)) {
            t.next();
            assertThatThrownBy(t::next).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("t.trace:2").hasMessageContaining("R or W");
        }
        Path g = write("R Miss 0 8 100\n");
        try (ValidateTrace t = ValidateTrace.open(g)) {
            assertThatThrownBy(t::next).isInstanceOf(ConfigException.class).hasMessageContaining("t.trace:1");
        }
        assertThat(ValidateTrace.looksLikeValidate(g)).isFalse();
    }
}
