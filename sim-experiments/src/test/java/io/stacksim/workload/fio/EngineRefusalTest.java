package io.stacksim.workload.fio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engines the stack cannot stand for are refused in one line naming what is missing, and
 * --lenient makes that line (and the engine's own options) warnings.
 */
class EngineRefusalTest {
    private static JobTranslator.Result translate(String text, boolean lenient) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse(text, "t.fio", Path.of("."));
        JobFile.Section s = f.jobs().get(0);
        return JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), lenient, null);
    }

    @Test
    void anEngineNeedingAServerIsRefusedInOneLine() {
        assertThatThrownBy(() -> translate("[r]\nioengine=rbd\nrw=read\n", false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.fio:2")
                .hasMessageContaining("ioengine=rbd is not simulated");
    }

    @Test
    void lenientTurnsTheEngineAndItsOptionsIntoWarnings() {
        List<String> w = translate("[n]\nioengine=http\nhttp_host=example.org\nhttp_mode=s3\nrw=write\n", true)
                .warnings();
        assertThat(w).hasSize(3);
        assertThat(w.get(0)).contains("ioengine=http").contains("ignored");
        assertThat(w).anyMatch(x -> x.contains("option 'http_host' of ioengine http"));
    }
}
