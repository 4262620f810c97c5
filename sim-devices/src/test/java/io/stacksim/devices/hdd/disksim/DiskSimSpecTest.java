package io.stacksim.devices.hdd.disksim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.HddParams;
import io.stacksim.devices.hdd.Mechanics;
import io.stacksim.devices.hdd.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSimSpecTest {
    @TempDir
    Path tmp;

    /** Copies the shared folder's files (not the traces) into {@code tmp}. */
    private Path copyShared() throws IOException {
        Path dir = SharedData.disksim();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".trace")).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        return tmp;
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertThat(s).contains(from);
        Files.writeString(file, s.replace(from, to));
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    @Test
    void everySpecInTheSharedFolderLoads() throws IOException {
        Path dir = SharedData.disksim();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> parvs = files.filter(f -> f.toString().endsWith(".parv")).sorted().toList();
            assertThat(parvs).hasSizeGreaterThanOrEqualTo(5);
            for (Path parv : parvs) {
                DiskSimSpec.Loaded l = DiskSimSpec.load(parv);
                assertThat(l.params().layout().capacity()).as(parv.toString()).isPositive();
                assertThat(l.files()).contains(parv);
            }
            assertThat(DiskSimSpec.load(dir.resolve("dec_rz26.parv")).files()).as("every file read, sourced model and seek table included")
                    .contains(dir.resolve("dec_rz26.diskspecs"), dir.resolve("dec_rz26_validate.model"), dir.resolve("dec_rz26_validate.seek"));
        }
    }

    @Test
    void hpC2247aSpecBecomesItsDocumentedMechanicsAndCache() {
        HddParams p = DiskSimSpec.load(SharedData.disksim().resolve("hp_c2247a.parv")).params();
        // NOTES.md 7.2: 5400 rpm, 13 surfaces, 2051 cylinders, 2 buffer segments.
        assertThat(p.mech().periodNs()).isEqualTo(Mechanics.periodOf(5400));
        assertThat(p.layout().surfaces()).isEqualTo(13);
        assertThat(p.layout().cylinders()).isEqualTo(2051);
        assertThat(p.cache().segments()).isEqualTo(2);
    }

    @Test
    void aDiskNotInTheSharedFolderWithTheSameParameterKindsLoadsWithoutCodeChanges() throws IOException {
        Path dir = copyShared();
        // A new drive: the C2247A renamed, spun at 7200 rpm, with four buffer segments.
        Path model = dir.resolve("hp_c2247a_validate.model");
        edit(model, "Rotation speed (in rpms) = 5400", "Rotation speed (in rpms) = 7200");
        edit(dir.resolve("hp_c2247a.diskspecs"), "Number of buffer segments = 2", "Number of buffer segments = 4");
        for (Path f : List.of(dir.resolve("hp_c2247a.parv"), dir.resolve("hp_c2247a.diskspecs"))) {
            edit(f, "HP_C2247A_validate", "ACME_X1");
        }
        Files.move(dir.resolve("hp_c2247a.parv"), dir.resolve("acme_x1.parv"));
        DiskSimSpec.Loaded l = DiskSimSpec.load(dir.resolve("acme_x1.parv"));
        assertThat(l.disk()).isEqualTo("ACME_X1");
        assertThat(l.params().mech().periodNs()).isEqualTo(Mechanics.periodOf(7200));
        assertThat(l.params().cache().segments()).isEqualTo(4);
    }

    @Test
    void unsupportedFeatureIsAnErrorNamingTheParameterAndItsFileAndLine() throws IOException {
        Path dir = copyShared();
        Path specs = dir.resolve("hp_c2247a.diskspecs");
        edit(specs, "Allow sneaky full read hits = 0", "Allow sneaky full read hits = 1");
        int line = lineOf(specs, "Allow sneaky full read hits");
        assertThatThrownBy(() -> DiskSimSpec.load(dir.resolve("hp_c2247a.parv")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hp_c2247a.diskspecs:" + line)
                .hasMessageContaining("Allow sneaky full read hits");
    }

    @Test
    void unknownParameterIsAnErrorNamingItsFileAndLineNotSilentlyDropped() throws IOException {
        Path dir = copyShared();
        Path model = dir.resolve("hp_c2247a_validate.model");
        edit(model, "Rotation speed (in rpms) = 5400,", "Rotation speed (in rpms) = 5400,\n      Spindle wobble = 3,");
        int line = lineOf(model, "Spindle wobble");
        assertThatThrownBy(() -> DiskSimSpec.load(dir.resolve("hp_c2247a.parv")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hp_c2247a_validate.model:" + line)
                .hasMessageContaining("Spindle wobble");
    }

    @Test
    void missingSourcedFileIsAnErrorAtTheSourceLine() throws IOException {
        Path dir = copyShared();
        Files.delete(dir.resolve("hp_c2247a_validate.model"));
        assertThatThrownBy(() -> DiskSimSpec.load(dir.resolve("hp_c2247a.parv")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hp_c2247a.diskspecs:2");
    }

    @Test
    void missingSeekCurveFileIsAnErrorAtTheParameterNamingIt() throws IOException {
        Path dir = copyShared();
        Files.delete(dir.resolve("dec_rz26_validate.seek"));
        int line = lineOf(dir.resolve("dec_rz26_validate.model"), "Full seek curve");
        assertThatThrownBy(() -> DiskSimSpec.load(dir.resolve("dec_rz26.parv")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dec_rz26_validate.model:" + line)
                .hasMessageContaining("dec_rz26_validate.seek");
    }

    @Test
    void anInstantiateListCutOffByTheEndOfTheFileIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cut.parv");
        Files.writeString(f, "instantiate [ disk0, disk1");
        assertThatThrownBy(() -> ParamFile.parse(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cut.parv")
                .hasMessageContaining("expected ']'");
    }

    @Test
    void aParameterGivenTwiceInABlockIsRefusedAtItsSecondLineAsLibparamDoes() throws IOException {
        Path dir = copyShared();
        Path model = dir.resolve("hp_c2247a_validate.model");
        // libparam's lp_add_param refuses a redefined parameter ("*** error: redefined ...") and aborts the parse
        edit(model, "Rotation speed (in rpms) = 5400,", "Rotation speed (in rpms) = 5400,\n      Rotation  speed (in rpms) = 7200,");
        int first = lineOf(model, "Rotation speed (in rpms) = 5400");
        int second = lineOf(model, "Rotation  speed (in rpms) = 7200");
        assertThatThrownBy(() -> DiskSimSpec.load(dir.resolve("hp_c2247a.parv")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hp_c2247a_validate.model:" + second + ":")
                .hasMessageContaining("given twice")
                .hasMessageContaining("first at line " + first)
                .hasMessageNotContaining("\n");
    }

    @Test
    void aBlockDefinedTwiceKeepsItsFirstDefinitionWithANoteNamingBothLinesAsDiskSimWarns() throws IOException {
        Path dir = copyShared();
        Path parv = dir.resolve("hp_c2247a.parv");
        String text = Files.readString(parv);
        int start = text.indexOf("disksim_bus BUS1");
        assertThat(start).as("the parv defines BUS1").isNotNegative();
        int end = text.indexOf('}', start) + 1;
        // the disk's bus again, slower, which DiskSim ignores ("warning: ignoring redefinition of BUS1")
        String again = text.substring(start, end).replace("Read block transfer time = 0.17010", "Read block transfer time = 9.0");
        Files.writeString(parv, text.substring(0, end) + "\n" + again + text.substring(end));
        DiskSimSpec.Loaded original = DiskSimSpec.load(SharedData.disksim().resolve("hp_c2247a.parv"));
        DiskSimSpec.Loaded l = DiskSimSpec.load(parv);
        assertThat(l.params().bus()).as("the first BUS1 is the one used").isEqualTo(original.params().bus());
        assertThat(l.params().bus().readSectorNs()).isEqualTo(170_100);
        int second = Files.readString(parv).substring(0, end + 1).split("\n", -1).length;
        assertThat(l.notes()).anySatisfy(n -> assertThat(n).contains("hp_c2247a.parv:" + second + ": ignoring redefinition of block 'BUS1'")
                .contains("first defined at " + parv + ":"));
    }
}
