package io.stacksim.experiment.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.run.Simulation;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stacks of several disks, md and dm devices: how a config names them and what each device counts. */
class MultiDeviceStackTest {
    static Map<String, Number> run(String yaml) {
        return Simulation.run(ConfigNode.parseYaml(new StringReader(yaml), "test.yaml")).metrics();
    }

    static final String SEQ_READ = """
            workload: {filename: FILE, rw: read, bs: 1m, direct: 1, ioengine: libaio, iodepth: 32,
                       runtime: 300ms, time_based: 1}
            """;

    @Test
    void raid0OfTwoNvmeDrivesReadsSequentiallyAtTwiceOneDrive() {
        Map<String, Number> one = run("device: {profile: nvme-gen4}\n" + SEQ_READ.replace("FILE", "/dev/nvme0n1"));
        Map<String, Number> two = run("""
                devices:
                  nvme0n1: {profile: nvme-gen4}
                  nvme1n1: {profile: nvme-gen4}
                md:
                  md0: {level: 0, chunk: 512k, devices: [nvme0n1, nvme1n1]}
                """ + SEQ_READ.replace("FILE", "/dev/md0"));
        double single = one.get("diskstats.read.sectors").doubleValue();
        long m0 = two.get("diskstats.nvme0n1.read.sectors").longValue();
        long m1 = two.get("diskstats.nvme1n1.read.sectors").longValue();
        assertThat((m0 + m1) / single).isBetween(1.85, 2.05);
        assertThat(m0).isEqualTo(m1); // 1 MiB reads: one chunk on each
        // md0's own diskstats count each chunk piece once; the plain diskstats are md0's.
        assertThat(two.get("diskstats.read.sectors").longValue()).isEqualTo(m0 + m1);
        assertThat(two.get("diskstats.md0.read.ios").longValue()).isEqualTo(two.get("diskstats.read.ios").longValue());
        assertThat(two.get("diskstats.md0.read.merges").longValue()).isZero();
    }

    @Test
    void raid1SpreadsRandomReadsOverItsMirrorsAndWritesBoth() {
        Map<String, Number> m = run("""
                devices:
                  nvme0n1: {profile: nvme-gen4}
                  nvme1n1: {profile: nvme-gen4}
                md:
                  md0: {level: 1, devices: [nvme0n1, nvme1n1]}
                workload: {filename: /dev/md0, rw: randrw, bs: 4k, direct: 1, ioengine: libaio, iodepth: 16,
                           number_ios: 4000}
                """);
        long r0 = m.get("diskstats.nvme0n1.read.ios").longValue();
        long r1 = m.get("diskstats.nvme1n1.read.ios").longValue();
        assertThat(r0 + r1).isEqualTo(m.get("diskstats.md0.read.ios").longValue());
        assertThat((double) r0 / (r0 + r1)).isBetween(0.4, 0.6);
        assertThat(m.get("diskstats.nvme0n1.write.ios").longValue())
                .isEqualTo(m.get("diskstats.md0.write.ios").longValue())
                .isEqualTo(m.get("diskstats.nvme1n1.write.ios").longValue());
    }

    @Test
    void raid5SmallRandomWritesCostTwoMemberReadsAndTwoMemberWrites() {
        Map<String, Number> m = run("""
                devices:
                  a: {profile: nvme-gen4}
                  b: {profile: nvme-gen4}
                  c: {profile: nvme-gen4}
                  d: {profile: nvme-gen4}
                  e: {profile: nvme-gen4}
                md:
                  md0: {level: 5, devices: [a, b, c, d, e]}
                workload: {filename: /dev/md0, rw: randwrite, bs: 4k, direct: 1, ioengine: libaio, iodepth: 8,
                           size: 64g, number_ios: 3000}
                """);
        long writes = m.get("diskstats.md0.write.ios").longValue();
        long memberReads = 0;
        long memberWrites = 0;
        for (String d : new String[] {"a", "b", "c", "d", "e"}) {
            memberReads += m.get("diskstats." + d + ".read.ios").longValue();
            memberWrites += m.get("diskstats." + d + ".write.ios").longValue();
        }
        assertThat(writes).isEqualTo(3000);
        // the old data and the old parity; the odd write whose stripe is still cached reads one less
        assertThat(memberReads).isBetween(2 * writes - 5, 2 * writes);
        assertThat(memberReads).isEqualTo(m.get("md.md0.stripe.member_reads").longValue());
        assertThat(memberWrites).isEqualTo(2 * writes);  // the new data and the new parity
        assertThat(m.get("md.md0.stripe.rmw").longValue()).isEqualTo(writes);
    }

    @Test
    void fioReportsAnArrayWithItsSlavesAggregateThenEachSlave() {
        io.stacksim.experiment.run.RunResult r = Simulation.run(ConfigNode.parseYaml(new StringReader("""
                devices:
                  sda: {profile: nvme-gen4}
                  sdb: {profile: nvme-gen4}
                md:
                  md0: {level: 1, devices: [sda, sdb]}
                workload: {filename: /dev/md0, rw: randwrite, bs: 4k, direct: 1, number_ios: 100}
                """), "test.yaml"));
        io.stacksim.report.FioReport report = io.stacksim.report.FioReport.of(r, Map.of(), java.util.List.of());
        String text = new io.stacksim.report.FioNormalWriter(report).write();
        // fio's print_disk_util: the array indented, its slaves' mean ios, then each slave
        assertThat(text).contains("    md0: ios=0/100, merge=0/0,").contains("aggrios=0/100, aggrmerge=0/0,")
                .contains("\n  sda: ios=0/100, merge=0/0,").contains("\n  sdb: ios=0/100,");
        String json = new io.stacksim.report.FioJsonWriter(report, false, 0).write();
        assertThat(json).contains("\"aggr_write_ios\" : 100").contains("\"name\" : \"sdb\"");
    }

    @Test
    void fioFilenameNamesTheDiskAndEachDiskHasItsOwnScheduler() {
        Map<String, Number> m = run("""
                devices:
                  nvme0n1: {profile: nvme-gen4}
                  nvme1n1: {profile: nvme-gen4, block: {scheduler: mq-deadline}}
                workload: {filename: /dev/nvme1n1, rw: randread, bs: 4k, direct: 1, number_ios: 200}
                """);
        assertThat(m.get("diskstats.nvme1n1.read.ios").longValue()).isEqualTo(200);
        assertThat(m.get("diskstats.nvme0n1.read.ios").longValue()).isZero();
        assertThat(m).containsKey("block.nvme1n1.scheduler.mq-deadline").containsKey("block.nvme0n1.scheduler.none");
    }

    @Test
    void theFileSystemIsMadeOnTheTopOfTheStack() {
        Map<String, Number> m = run("""
                devices:
                  sda: {profile: nvme-gen4}
                  sdb: {profile: nvme-gen4}
                dm:
                  vg-lv: {table: ["0 4194304 striped 2 128 sda 2048 sdb 2048"]}
                workload: {filename: data, size: 64m, rw: write, bs: 1m, direct: 1, end_fsync: 1}
                """);
        long a = m.get("diskstats.sda.write.sectors").longValue();
        long b = m.get("diskstats.sdb.write.sectors").longValue();
        // The data in 64 KiB chunks, alternately; then end_fsync's commit of the file fio made
        // in the run (ext4_create, and the direct writes' allocation past i_size): the journal
        // superblock (the first commit since mount), the descriptor, the six metadata blocks
        // (inode bitmap, block bitmap, group descriptor, inode table block, root directory
        // block, and the file system's superblock: the first open since mount records
        // s_last_mounted) and the commit block - nine consecutive log blocks (72 sectors) inside
        // one 64 KiB chunk of one member.
        assertThat(a + b).isEqualTo((64L << 11) + 72);
        assertThat(Math.min(a, b)).isEqualTo(64L << 10);
        assertThat(m.get("diskstats.vg-lv.write.sectors").longValue()).isEqualTo(a + b);
    }

    @Test
    void namingMistakesAreOneLineErrorsWithTheLine() {
        assertThatThrownBy(() -> run("""
                devices:
                  nvme0n1: {profile: nvme-gen4}
                md:
                  md0: {level: 1, devices: [nvme0n1, nvme9n1]}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("test.yaml:4")
                .hasMessageContaining("no device 'nvme9n1'");
        assertThatThrownBy(() -> run("""
                device: {profile: nvme-gen4}
                devices:
                  nvme0n1: {profile: nvme-gen4}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("both given");
        assertThatThrownBy(() -> run("""
                devices:
                  nvme0n1: {profile: nvme-gen4, block: {schedular: none}}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("did you mean");
        assertThatThrownBy(() -> run("""
                devices:
                  a: {profile: nvme-gen4}
                  b: {profile: nvme-gen4}
                workload: {filename: /dev/c, rw: read, number_ios: 1, direct: 1}
                """)).hasMessageContaining("no device /dev/c");
    }
}
