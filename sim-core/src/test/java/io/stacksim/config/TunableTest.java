package io.stacksim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunableTest {
    private static final Tunable<Integer> DEPTH = Tunable.integer("depth", 32, 1, 64).help("queue depth");
    private static final Tunable<Long> SLICE = Tunable.duration("slice", 3_000_000, 1_000_000);
    private static final Tunable<Long> BUF = Tunable.size("buf", 64 << 10, 512, 1 << 20);
    private static final Tunable<String> MODE = Tunable.choice("mode", "a", List.of("a", "b"));

    private static ConfigNode yaml(String text) {
        return ConfigNode.parseYaml(new StringReader(text), "t.yaml").section("s");
    }

    @Test
    void anAbsentKeyReadsAsTheDeclaredDefault() {
        ConfigNode s = yaml("s: {}\n");
        assertThat(DEPTH.read(s)).isEqualTo(32);
        assertThat(SLICE.read(s)).isEqualTo(3_000_000L);
        assertThat(BUF.read(s)).isEqualTo(65536L);
        assertThat(MODE.read(s)).isEqualTo("a");
    }

    @Test
    void aGivenValueIsParsedWithItsUnitAndABareNumberTakesTheDeclaredUnit() {
        ConfigNode s = yaml("s:\n  slice: 5\n  buf: 4k\n  depth: 8\n");
        assertThat(SLICE.read(s)).isEqualTo(5_000_000L);
        assertThat(BUF.read(s)).isEqualTo(4096L);
        assertThat(DEPTH.read(s)).isEqualTo(8);
    }

    @Test
    void aBadValueIsTheConfigsOneLineErrorWithFileLineAndExpectedForm() {
        ConfigNode s = yaml("s:\n  depth: 99\n  mode: c\n");
        assertThatThrownBy(() -> DEPTH.read(s)).isInstanceOf(ConfigException.class)
                .hasMessage("t.yaml:2: 's.depth': 99 is out of range [1, 64]");
        assertThatThrownBy(() -> MODE.read(s)).hasMessage("t.yaml:3: 's.mode': 'c' is not one of a, b");
    }

    @Test
    void anUndeclaredKeyIsStillReportedWithTheDeclaredNamesAsSuggestions() {
        ConfigNode root = ConfigNode.parseYaml(new StringReader("s:\n  dept: 4\n"), "t.yaml");
        ConfigNode s = root.section("s");
        DEPTH.read(s);
        MODE.read(s);
        assertThatThrownBy(root::checkAllUsed)
                .hasMessage("t.yaml:2: unknown key 's.dept'; did you mean 's.depth'? (expected one of: depth, mode)");
    }

    @Test
    void theReferenceShowsDefaultsAsAUserWritesThemAndTheAcceptedRange() {
        assertThat(SLICE.shownDefault()).isEqualTo("3ms");
        assertThat(BUF.shownDefault()).isEqualTo("64k");
        assertThat(DEPTH.range()).isEqualTo("1 .. 64");
        assertThat(SLICE.range()).isEqualTo("a duration (bare number: ms)");
        assertThat(MODE.range()).isEqualTo("a, b");
        String md = ConfigReference.markdown("# T", List.of(ConfigSection.of("s", "S", DEPTH)));
        assertThat(md).contains("| `s.depth` | 32 | 1 .. 64 | queue depth |");
    }
}
