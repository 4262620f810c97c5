package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's zonemode=zbd and zonemode=strided (zbd.c and io_u.c, fio 3.33) over the zoned devices,
 * checked against fio's rules and the kernel's: every write of a sequential zone starts at its
 * write pointer (the device rejects any other, ZBC/ZNS, and the kernel's zone write plugging
 * fails it with EIO: blk-zoned.c blk_zone_wplug_prepare_bio); at most max_open_zones zones are
 * written at a time; a full zone is reset before it is written again, each reset one
 * BLKRESETZONE the device counts; reads stay below the write pointer unless read_beyond_wp;
 * fio's refusals (zonesize against the device's, max_open_zones above the device's, buffered
 * writes to a host-managed drive). The write order is read from fio's write_iolog, which
 * records each unit as it is issued.
 */
class FioZbdTest {
    @TempDir
    Path dir;

    /** A host-managed SMR disk with 64 zones of 1 MiB, the first two conventional, 8 open zones. */
    static final String SMR = "device: {profile: smr-hc620, zone_size: 1MiB, nr_zones: 64, conventional_zones: 2,"
            + " max_open_zones: 8}\n";
    /** A ZNS SSD with 1 MiB zones of 768 KiB capacity, 6 open and 6 active zones. */
    static final String ZNS = "device: {profile: zns-zn540, zone_size: 1MiB, zone_capacity: 768KiB, nr_zones: 1024,"
            + " max_open_zones: 6, max_active_zones: 6, blocks_per_plane: 16, pages_per_block: 128}\n"
            + "block: {scheduler: none}\n";

    static final long MIB = 1 << 20;

    private RunResult run(String stack, String jobs) {
        return FioHarness.run(dir, stack, jobs);
    }

    /** One issued write of the iolog. */
    record Write(long offset, long length) {
    }

    private List<Write> writes(String log) throws IOException {
        List<Write> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(log))) {
            String[] f = line.split(" ");
            if (f.length == 5 && f[2].equals("write")) {
                out.add(new Write(Long.parseLong(f[3]), Long.parseLong(f[4])));
            }
        }
        return out;
    }

    private static long metric(RunResult r, String suffix) {
        return r.metrics().entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + suffix + " in " + r.metrics().keySet()))
                .getValue().longValue();
    }

    /**
     * Replays the issued writes against the zone rules: in each sequential zone a write starts
     * where the last one ended, or at the zone's start (the zone was reset in between, counted);
     * returns the resets.
     */
    private static int checkSequential(List<Write> ws, long zone, long capacity, int conventional) {
        Map<Long, Long> wp = new HashMap<>();
        int resets = 0;
        for (Write w : ws) {
            long z = w.offset() / zone;
            if (z < conventional) {
                continue;
            }
            long start = z * zone;
            long at = wp.getOrDefault(z, start);
            if (w.offset() == start && at != start) {
                resets++;
            } else {
                assertThat(w.offset()).as("write in zone %d", z).isEqualTo(at);
            }
            assertThat(w.offset() + w.length()).as("write in zone %d ends within its capacity", z)
                    .isLessThanOrEqualTo(start + capacity);
            wp.put(z, w.offset() + w.length());
        }
        return resets;
    }

    @Test
    void randomWritesLandAtTheWritePointersAndFullZonesAreResetBeforeReuse() throws IOException {
        RunResult r = run(SMR, """
                [w]
                filename=/dev/sda
                rw=randwrite
                zonemode=zbd
                max_open_zones=4
                bs=64k
                direct=1
                ioengine=libaio
                iodepth=8
                time_based
                runtime=300ms
                write_iolog=w.log
                """);
        JobStats s = FioHarness.job(r, "w");
        List<Write> ws = writes("w.log");
        assertThat(ws).hasSizeGreaterThan(500);
        int resets = checkSequential(ws, MIB, MIB, 2);
        // The device rejected nothing (every write at its write pointer) and reset what fio counted.
        assertThat(metric(r, "zoned.rejected")).isZero();
        assertThat(resets).isPositive();
        assertThat(s.zoneResets).isEqualTo(resets);
        assertThat(metric(r, "zoned.resets")).isEqualTo(resets);
        // Conventional zones take random writes in place.
        assertThat(ws).anyMatch(w -> w.offset() < 2 * MIB);
    }

    @Test
    void atMostMaxOpenZonesAreWrittenAtATime() throws IOException {
        RunResult r = run(SMR, """
                [w]
                filename=/dev/sda
                offset=2m
                rw=randwrite
                zonemode=zbd
                max_open_zones=3
                bs=64k
                direct=1
                ioengine=libaio
                iodepth=16
                number_ios=2000
                write_iolog=w.log
                """);
        List<Write> ws = writes("w.log");
        // A zone is open from its first write until a write reaches its end.
        java.util.Set<Long> open = new java.util.HashSet<>();
        int most = 0;
        for (Write w : ws) {
            long z = w.offset() / MIB;
            open.add(z);
            most = Math.max(most, open.size());
            if ((w.offset() + w.length()) % MIB == 0) {
                open.remove(z);
            }
        }
        assertThat(most).isEqualTo(3);
        assertThat(metric(r, "zoned.implicit_closes")).isZero();
        assertThat(checkSequential(ws, MIB, MIB, 2)).isPositive();
    }

    @Test
    void aSequentialWriterFillsEachZoneToItsCapacityAndSkipsTheRest() throws IOException {
        RunResult r = run(ZNS, """
                [w]
                filename=/dev/nvme0n1
                rw=write
                zonemode=zbd
                bs=128k
                size=8m
                direct=1
                ioengine=libaio
                iodepth=4
                write_iolog=w.log
                """);
        List<Write> ws = writes("w.log");
        checkSequential(ws, MIB, 768 << 10, 0);
        // 8 zones of 768 KiB capacity: 6 MiB written, never past a zone's capacity.
        assertThat(FioHarness.job(r, "w").bytes[1]).isEqualTo(6 * MIB);
        assertThat(ws).allMatch(w -> w.offset() % MIB + w.length() <= 768 << 10);
        assertThat(metric(r, "zoned.rejected")).isZero();
    }

    @Test
    void readsStayBelowTheWritePointerUnlessReadBeyondWp() {
        String jobs = """
                [global]
                filename=/dev/sda
                zonemode=zbd
                direct=1
                offset=2m
                [w]
                rw=write
                bs=256k
                size=3m
                [r]
                stonewall
                rw=read
                bs=64k
                size=8m
                read_beyond_wp=%s
                """;
        RunResult below = run(SMR, jobs.formatted(0));
        assertThat(FioHarness.job(below, "r").bytes[0]).isEqualTo(3 * MIB);
        assertThat(metric(below, "zoned.unwritten_reads")).isZero();
        RunResult beyond = run(SMR, jobs.formatted(1));
        assertThat(FioHarness.job(beyond, "r").bytes[0]).isEqualTo(8 * MIB);
        assertThat(metric(beyond, "zoned.unwritten_reads")).isPositive();
    }

    @Test
    void aWriteNotAtTheWritePointerFailsWithEio() {
        // zonemode=none: fio writes where its random offsets say; the kernel fails the write.
        assertThatThrownBy(() -> run(SMR, """
                [w]
                filename=/dev/sda
                offset=2m
                rw=randwrite
                bs=4k
                direct=1
                number_ios=10
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("EIO");
    }

    @Test
    void ignoringTheDevicesLimitsOverrunsZnsActiveZonesAndFails() {
        RunResult ok = run(ZNS, """
                [w]
                filename=/dev/nvme0n1
                rw=randwrite
                zonemode=zbd
                bs=64k
                direct=1
                ioengine=libaio
                iodepth=8
                number_ios=400
                """);
        assertThat(FioHarness.job(ok, "w").ios[1]).isEqualTo(400);
        // fio 3.33 counts open zones only: with the device's limit ignored it opens more than
        // the 6 active zones the namespace has, and the 7th zone's write fails (Too Many Active Zones).
        assertThatThrownBy(() -> run(ZNS, """
                [w]
                filename=/dev/nvme0n1
                rw=randwrite
                zonemode=zbd
                max_open_zones=10
                ignore_zone_limits=1
                bs=64k
                direct=1
                ioengine=libaio
                iodepth=8
                number_ios=400
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("EOVERFLOW");
    }

    @Test
    void fioRefusesWhatItsZbdSetupRefuses() {
        assertThatThrownBy(() -> run(ZNS, "[w]\nfilename=/dev/nvme0n1\nrw=write\nzonemode=zbd\nzonesize=256m\ndirect=1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("job parameter zonesize 268435456 does not match disk zone size 1048576");
        assertThatThrownBy(() -> run(ZNS, "[w]\nfilename=/dev/nvme0n1\nrw=write\nzonemode=zbd\nmax_open_zones=7\ndirect=1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Specified --max_open_zones (7) is larger than max (6)");
        // fio's is_zone_open asserts job_max_open_zones <= max_open_zones (fio aborts): refused at the option's line
        assertThatThrownBy(() -> run(ZNS, "[w]\nfilename=/dev/nvme0n1\nrw=write\nzonemode=zbd\nmax_open_zones=4\n"
                + "job_max_open_zones=5\ndirect=1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.fio:6: job 'w': job_max_open_zones=5 is larger than the 4 zones max_open_zones allows;"
                        + " expected at most 4");
        assertThatThrownBy(() -> run(SMR, "[w]\nfilename=/dev/sda\nrw=write\nzonemode=zbd\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Using direct I/O is mandatory for writing to ZBD drives");
        assertThatThrownBy(() -> run(SMR, "[w]\nfilename=/dev/sda\nrw=read\nzonemode=none\nzonesize=1m\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("zonemode=none and zonesize are not compatible");
    }

    /** A first job that lays out the 8 MiB file {@code f} (fio reads a file's zones before it creates it). */
    static final String LAYOUT = "[lay]\nfilename=f\nsize=8m\nrw=write\nbs=1m\n";

    @Test
    void zonesAreEmulatedOnARegularFileAsFio333DoesIt() throws IOException {
        // Real fio 3.33 on this machine, the same jobs over an 8 MiB file (truncate -s 8M f1;
        // fio cap.fio): 48 writes of 128 KiB, six per zone from each zone's start, then 96
        // reads of 64 KiB below the write pointers, the same offsets in both iologs.
        run(FioHarness.STACK, LAYOUT + """
                [global]
                filename=f
                size=8m
                zonemode=zbd
                zonesize=1m
                zonecapacity=768k
                [w]
                stonewall
                rw=write
                bs=128k
                write_iolog=w.log
                [r]
                stonewall
                rw=read
                bs=64k
                write_iolog=r.log
                """);
        List<Long> expectedWrites = new ArrayList<>();
        List<Long> expectedReads = new ArrayList<>();
        for (int zn = 0; zn < 8; zn++) {
            for (int j = 0; j < 6; j++) {
                expectedWrites.add(zn * MIB + j * (128 << 10));
            }
            for (int j = 0; j < 12; j++) {
                expectedReads.add(zn * MIB + j * (64 << 10));
            }
        }
        assertThat(writes("w.log").stream().map(Write::offset).toList()).isEqualTo(expectedWrites);
        assertThat(offsets("r.log", "read")).isEqualTo(expectedReads);
    }

    @Test
    void fullEmulatedZonesAreResetBeforeTheyAreWrittenAgain() throws IOException {
        // Real fio 3.33, the same job (100 ms): 80.1 MiB written, 73 zone resets, at most 2
        // zones written at a time, every write at its zone's write pointer.
        RunResult r = run(FioHarness.STACK, LAYOUT + """
                [w]
                stonewall
                filename=f
                size=8m
                rw=randwrite
                zonemode=zbd
                zonesize=1m
                max_open_zones=2
                bs=64k
                time_based
                runtime=20ms
                write_iolog=w.log
                """);
        JobStats s = FioHarness.job(r, "w");
        List<Write> ws = writes("w.log");
        int resets = checkSequential(ws, MIB, MIB, 0);
        assertThat(resets).isPositive();
        assertThat(s.zoneResets).isEqualTo(resets);
        // Every reset empties a full zone: resets x 1 MiB + the data left in the 8 zones = the bytes written.
        assertThat(s.zoneResets * MIB).isBetween(s.bytes[1] - 8 * MIB, s.bytes[1]);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the bug was a hang
    void stonewalledVerifyJobsEachResetTheZonesTheLastOneFilledAndAllRun() {
        // uring-cmd-zoned.fio's shape: three stonewalled verify jobs on one ZNS region. With
        // verify, zbd_file_reset resets every zone with data before a job writes (zbd.c), so the
        // second and third jobs each reset the four zones the job before filled and write them
        // again from their starts. The kernel must not leave a zone plugged after the empty
        // flush a job sends at its end (blk_zone_plug_bio ignores empty flushes, blk-zoned.c),
        // or the next job's first write to that zone waits in the plug forever.
        String stack = "device: {profile: zns-zn540, zone_size: 1MiB, zone_capacity: 1MiB, nr_zones: 1024,"
                + " max_open_zones: 6, max_active_zones: 6, blocks_per_plane: 16, pages_per_block: 128}\n"
                + "block: {scheduler: none}\n";
        RunResult r = run(stack, """
                [global]
                filename=/dev/nvme0n1
                ioengine=io_uring
                direct=1
                zonemode=zbd
                size=4M
                iodepth=1
                bs=256K
                verify=crc32c
                stonewall=1

                [rand-write]
                rw=randwrite

                [write-opts]
                rw=write

                [randwrite-opts]
                rw=randwrite
                """);
        int[] resets = {0, 4, 4};
        String[] names = {"rand-write", "write-opts", "randwrite-opts"};
        for (int i = 0; i < names.length; i++) {
            JobStats s = FioHarness.job(r, names[i]);
            assertThat(s.ios[JobStats.WRITE]).as("%s writes", names[i]).isEqualTo(16);
            assertThat(s.ios[JobStats.READ]).as("%s verify reads", names[i]).isEqualTo(16);
            assertThat(s.zoneResets).as("%s zone resets", names[i]).isEqualTo(resets[i]);
        }
        assertThat(metric(r, "zoned.resets")).isEqualTo(8);
        assertThat(metric(r, "zoned.rejected")).isZero();
        assertThat(metric(r, "zoned.failed_bios")).isZero();
    }

    @Test
    void jobsSharingADeviceNeverWriteOneZoneAtOnce() {
        // Eight psync jobs, two open zones: every write needs one of the two zones, so the jobs
        // take turns on each zone's mutex. Two writes at the same write pointer would make the
        // kernel fail the second with EIO (blk_zone_wplug_prepare_bio).
        RunResult r = run(SMR, """
                [w]
                filename=/dev/sda
                offset=2m
                rw=randwrite
                zonemode=zbd
                max_open_zones=2
                bs=64k
                direct=1
                numjobs=8
                number_ios=100
                group_reporting
                """);
        assertThat(FioHarness.job(r, "w").ios[1]).isEqualTo(800);
        assertThat(metric(r, "zoned.rejected")).isZero();
        assertThat(metric(r, "zoned.failed_bios")).isZero();
    }

    @Test
    void zoneResetFrequencyOneResetsTheZoneBeforeEveryWrite() throws IOException {
        // zone_reset_frequency=1 with threshold 0: every write counts the reset count down to
        // zero, so its zone is reset first (zbd_adjust_block) and every write starts a zone.
        RunResult r = run(FioHarness.STACK, LAYOUT + """
                [w]
                stonewall
                filename=f
                size=8m
                rw=randwrite
                zonemode=zbd
                zonesize=1m
                bs=64k
                zone_reset_threshold=0
                zone_reset_frequency=1
                number_ios=64
                write_iolog=w.log
                """);
        List<Write> ws = writes("w.log");
        assertThat(ws).hasSize(64).allMatch(w -> w.offset() % MIB == 0);
        // Only a zone holding data is reset: all but the first write of each zone.
        long zones = ws.stream().map(w -> w.offset() / MIB).distinct().count();
        assertThat(FioHarness.job(r, "w").zoneResets).isEqualTo(64 - zones);
    }

    @Test
    void aMixedJobsFirstIoIsAWriteWhileNoZoneHoldsData() throws IOException {
        run(FioHarness.STACK, LAYOUT + """
                [rw]
                stonewall
                filename=f
                size=8m
                rw=randrw
                rwmixread=90
                zonemode=zbd
                zonesize=1m
                bs=64k
                number_ios=50
                write_iolog=rw.log
                """);
        List<String> actions = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("rw.log"))) {
            String[] f = line.split(" ");
            if (f.length == 5) {
                actions.add(f[2]);
            }
        }
        assertThat(actions.get(0)).isEqualTo("write");
        assertThat(actions).contains("read");
    }

    @Test
    void aFileThatDoesNotExistYetHasNoZones() {
        assertThatThrownBy(() -> run(FioHarness.STACK, "[w]\nfilename=g\nsize=8m\nrw=write\nzonemode=zbd\nzonesize=1m\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("g: file/device size 0 is smaller than zone size 1048576");
    }

    private List<Long> offsets(String log, String action) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(log))) {
            String[] f = line.split(" ");
            if (f.length == 5 && f[2].equals(action)) {
                out.add(Long.parseLong(f[3]));
            }
        }
        return out;
    }

    @Test
    void stridedModeReadsZonesizeBytesThenSkips() throws IOException {
        run(FioHarness.STACK, """
                [r]
                filename=f
                size=8m
                rw=read
                bs=64k
                zonemode=strided
                zonesize=256k
                zoneskip=768k
                write_iolog=r.log
                number_ios=16
                """);
        List<Long> offsets = offsets("r.log", "read");
        List<Long> expected = new ArrayList<>();
        for (int zn = 0; zn < 4; zn++) {
            for (int b = 0; b < 4; b++) {
                expected.add(zn * MIB + b * (64 << 10));
            }
        }
        assertThat(offsets).isEqualTo(expected);
    }
}
