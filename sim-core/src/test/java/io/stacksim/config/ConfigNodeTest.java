package io.stacksim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ConfigNodeTest {

    private static ConfigNode yaml(String text) {
        return ConfigNode.parseYaml(new StringReader(text), "test.yaml");
    }

    @Test
    void misspeltKeyIsReportedWithItsLineAndTheNearestKnownKey() {
        ConfigNode root = yaml("block:\n  nr_requests: 64\n  schedular: none\n");
        ConfigNode block = root.section("block");
        block.string("scheduler", "none");
        block.intValue("nr_requests", 0, 0, 1000);
        assertThatThrownBy(root::checkAllUsed)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml:3: unknown key 'block.schedular'; did you mean 'block.scheduler'?")
                .hasMessageNotContaining("\n");
    }

    @Test
    void wrongTypeNamesThePathTheLineAndWhatWasExpected() {
        ConfigNode root = yaml("workload:\n  bs: four\n");
        assertThatThrownBy(() -> root.section("workload").size("bs", 4096, 512, 1 << 20))
                .hasMessage("test.yaml:2: 'workload.bs': expected a size such as 4k, 128KiB or 1g, got 'four'"
                        + " (not a size: 'four')");
    }

    @Test
    void outOfRangeValueIsAnError() {
        ConfigNode root = yaml("cpu:\n  count: 0\n");
        assertThatThrownBy(() -> root.section("cpu").intValue("count", 2, 1, 64))
                .hasMessageContaining("test.yaml:2: 'cpu.count': 0 is out of range [1, 64]");
    }

    @Test
    void duplicateKeyIsAnError() {
        assertThatThrownBy(() -> yaml("run:\n  seed: 1\n  seed: 2\n"))
                .hasMessage("test.yaml:3: key 'run.seed' given twice");
    }

    @Test
    void setCreatesPathsAndOverridesValuesWithTheFlagAsOrigin() {
        ConfigNode root = yaml("block:\n  scheduler: none\n");
        root.set("block.scheduler", "mq-deadline", Origin.flag("--set block.scheduler"));
        root.set("device.profile", "ramdisk", Origin.flag("--set device.profile"));
        assertThat(root.section("block").string("scheduler", null)).isEqualTo("mq-deadline");
        assertThat(root.get("device.profile")).isEqualTo("ramdisk");
        root.set("device.bogus", "1", Origin.flag("--set device.bogus"));
        root.section("device").string("profile", null);
        assertThatThrownBy(root::checkAllUsed).hasMessageStartingWith("--set device.bogus: unknown key 'device.bogus'");
    }

    @Test
    void absentKeysTakeTheirDefaults() {
        ConfigNode root = yaml("{}");
        ConfigNode os = root.section("os");
        assertThat(os.duration("context_switch", 3000, 1)).isEqualTo(3000);
        assertThat(os.bool("x", true)).isTrue();
        root.checkAllUsed();
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> yaml("a: 1\nb: [1, 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml:")
                .hasMessageContaining("invalid YAML");
    }
}
