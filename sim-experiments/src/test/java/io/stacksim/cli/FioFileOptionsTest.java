package io.stacksim.cli;

import static io.stacksim.cli.RunCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's file options as fio 3.33 runs them: the same jobs' write_iolog from real fio (resources
 * {@code fio-files/}, see its README) against StackSim's, event for event.
 */
class FioFileOptionsTest {
    @TempDir
    Path dir;

    private static String resource(String name) {
        try (InputStream in = FioFileOptionsTest.class.getResourceAsStream("/io/stacksim/workload/fio-files/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** StackSim's write_iolog of job {@code name}, without fio's header and the time column. */
    private List<String> simulated(String name) throws IOException {
        Path job = dir.resolve(name + ".fio");
        Files.writeString(job, "[j]\n" + resource(name + ".fio") + "write_iolog=j.iolog\n");
        RunCommandTest.Outcome o = cli("fio", job.toString(), "--log-dir", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve("j.iolog"));
        for (String l : lines.subList(1, lines.size())) {
            out.add(l.substring(l.indexOf(' ') + 1).trim());
        }
        return out;
    }

    private static List<String> real(String name) {
        return List.of(resource(name + ".iolog").split("\n"));
    }

    /** A sync's offset in fio's log is the reused io_u's last offset, not part of the call. */
    private static List<String> withoutSyncOffsets(List<String> log) {
        return log.stream().map(l -> l.contains(" sync ") ? l.substring(0, l.indexOf(" sync ")) + " sync" : l).toList();
    }

    @Test
    void roundRobinStartsAtFileZeroAndOpensEachFileWhenFirstChosen() throws IOException {
        assertThat(simulated("roundrobin")).containsExactlyElementsOf(real("roundrobin"));
    }

    @Test
    void openfilesOneServesEachFileToItsEndBeforeOpeningTheNext() throws IOException {
        assertThat(simulated("openfiles1")).containsExactlyElementsOf(real("openfiles1"));
    }

    @Test
    void aPeriodicFsyncGoesToTheFileGetNextFileChoosesNext() throws IOException {
        assertThat(withoutSyncOffsets(simulated("fsync-two-files")))
                .containsExactlyElementsOf(withoutSyncOffsets(real("fsync-two-files")));
    }

    /** Random offsets come from StackSim's generators, so the files' order and each file's blocks are compared. */
    @Test
    void sequentialServiceStaysOnAFileUntilItIsDone() throws IOException {
        List<String> sim = simulated("sequential");
        List<String> fio = real("sequential");
        assertThat(sim.stream().map(l -> l.split(" ")[0] + " " + l.split(" ")[1]).toList())
                .containsExactlyElementsOf(fio.stream().map(l -> l.split(" ")[0] + " " + l.split(" ")[1]).toList());
        assertThat(blocksPerFile(sim)).isEqualTo(blocksPerFile(fio));
    }

    private static Map<String, TreeSet<String>> blocksPerFile(List<String> log) {
        Map<String, TreeSet<String>> m = new TreeMap<>();
        for (String l : log) {
            String[] f = l.split(" ");
            if (f.length == 4) {
                m.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2] + "+" + f[3]);
            }
        }
        return m;
    }

    /**
     * filename_format (init.c make_filename): $jobname, $jobnum (the clone) and $filenum are
     * replaced wherever they appear, in any case; $clientuid is empty outside client/server
     * mode. Checked with fio 3.33 here: {@code filename_format=f.$JOBNAME.$jobnum.$filenum$clientuid}
     * with numjobs=2, nrfiles=3 creates f.job.0.0 ... f.job.1.2; nrfiles splits size evenly.
     */
    @Test
    void filenameFormatNamesEveryCloneAndFileAsFioDoes() throws IOException {
        Path job = dir.resolve("n.fio");
        Files.writeString(job, """
                [job]
                rw=write
                bs=4k
                size=48k
                nrfiles=3
                numjobs=2
                filename_format=f.$JOBNAME.$jobnum.$filenum$clientuid
                write_iolog=n.iolog
                per_job_logs=1
                """);
        RunCommandTest.Outcome o = cli("fio", job.toString(), "--log-dir", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        TreeSet<String> added = new TreeSet<>();
        Map<String, Long> bytes = new TreeMap<>();
        for (String l : Files.readAllLines(dir.resolve("n.iolog"))) {
            String[] f = l.split(" ");
            if (f.length == 3 && f[2].equals("add")) {
                added.add(f[1]);
            } else if (f.length == 5) {
                bytes.merge(f[1], Long.parseLong(f[4]), Long::sum);
            }
        }
        // every clone logs into the one write_iolog; the last clone's lines are its own files
        assertThat(added).isSubsetOf("f.job.0.0", "f.job.0.1", "f.job.0.2", "f.job.1.0", "f.job.1.1", "f.job.1.2");
        assertThat(added).isNotEmpty();
        assertThat(bytes.values()).allMatch(b -> b == 16384);
    }

    /** allow_file_create=0 (extend_file without O_CREAT): a missing file is an error naming it, exit 2. */
    @Test
    void allowFileCreateZeroRefusesAMissingFile() throws IOException {
        Path job = dir.resolve("a.fio");
        Files.writeString(job, "[a]\nrw=write\nsize=64k\nfilename=missing\nallow_file_create=0\n");
        RunCommandTest.Outcome o = cli("fio", job.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("missing").contains("allow_file_create=0");
        assertThat(o.err().lines().filter(l -> !l.isBlank()).count()).isEqualTo(1);
    }
}
