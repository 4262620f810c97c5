package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.experiment.machine.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/config.md is what the components' declared tunables generate, and the declarations are what the components read. */
class ConfigReferenceTest {

    @Test
    void theCommittedConfigReferenceIsWhatTheDeclarationsGenerate() throws IOException {
        String committed = Files.readString(Path.of("../docs/config.md"), StandardCharsets.UTF_8);
        assertThat(committed)
                .as("docs/config.md is generated: run ./stacksim config-reference > docs/config.md")
                .isEqualTo(ConfigReferenceCommand.markdown());
    }

    @Test
    void everyDeclaredKeyIsOneTheMachineReadsSoItIsNeverReportedUnknown() {
        // Set every declared key of the machine's own sections to its default and build a stack: a
        // declared key that no component read would fail checkAllUsed.
        ConfigNode root = ConfigNode.emptyRoot("test");
        Set<String> seen = new HashSet<>();
        for (ConfigSection s : ConfigReferenceCommand.sections()) {
            if (s.path().startsWith("workload") || s.path().startsWith("net") || s.path().equals("run")
                    || s.title().startsWith("`kind:") || s.path().equals("block.iosched")
                    || s.path().contains("<name>") // named sections (devices.NAME, md.NAME): MultiDeviceStackTest
                    || s.path().endsWith("[]")) { // lists of maps (fs.files): FioFileLayoutTest
                continue;
            }
            for (Tunable<?> t : s.tunables()) {
                String path = s.pathOf(t);
                if (t.defaultValue() != null && seen.add(path)) {
                    root.set(path, t.defaultText(), io.stacksim.config.Origin.of("test", 0));
                }
            }
        }
        root.set("device.profile", "nvme-gen4", io.stacksim.config.Origin.of("test", 0));
        new Stack(root, 1);
        root.checkAllUsed();
    }

    @Test
    void aMisspeltKeyIsStillAnErrorWithItsLineAndTheDeclaredNames() {
        ConfigNode root = ConfigNode.parseYaml(new java.io.StringReader("block:\n  nr_request: 4\n"), "c.yaml");
        new Stack(root, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(root::checkAllUsed)
                .hasMessageStartingWith("c.yaml:2: unknown key 'block.nr_request'; did you mean 'block.nr_requests'?");
    }
}
