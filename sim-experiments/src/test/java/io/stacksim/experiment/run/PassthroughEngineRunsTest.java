package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passthrough engines end to end: fio's sg engine through SG_IO on a SCSI disk (a SAS drive
 * executes SBC-3; a SATA drive sits behind libata's translation), io_uring_cmd on an NVMe
 * namespace's /dev/ngXnY, and cpp_null as null. Expected outcomes are the kernel's and the
 * standards' (SBC-3 VERIFY / WRITE SAME, drivers/ata/libata-scsi.c ata_get_xlat_func), and what
 * fio's own sg examples are written to show (examples/sg_verify-fail.fio: a VERIFY with BYTCHK
 * 01b over a block the precondition job did not write fails).
 */
class PassthroughEngineRunsTest {
    @TempDir
    Path dir;

    private static String stack(String profile) {
        return "device: {profile: " + profile + "}\n";
    }

    private RunResult run(String profile, String jobs) {
        return FioHarness.run(dir, stack(profile), jobs);
    }

    private static final String PRECON = """
            [global]
            filename=/dev/sdb
            buffer_pattern=0x01
            ioengine=sg
            rw=write
            bs=512
            stonewall
            [precon]
            number_ios=20
            """;

    @Test
    void onASasDriveVerifyWithBytchk01ComparesAndFailsPastTheWrittenBlocks() {
        RunResult ok = run("hdd-15k", PRECON + "[v]\nsg_write_mode=verify_bytchk_01\nnumber_ios=20\n");
        assertThat(FioHarness.job(ok, "v").ios[JobStats.WRITE]).isEqualTo(20);
        assertThat(FioHarness.job(ok, "v").extra.jobError).isZero();
        // fio_sgio_queue's td_verror(EIO, "xfer"): the failing job ends, the run goes on to the next.
        RunResult r = run("hdd-15k", PRECON + "[v]\nsg_write_mode=verify_bytchk_11\nbs=10752\nnumber_ios=1\n"
                + "[after]\nnumber_ios=1\n");
        JobStats v = FioHarness.job(r, "v");
        assertThat(v.extra.jobError).isEqualTo(5);
        assertThat(v.extra.verror).contains("func=xfer");
        assertThat(v.extra.log).anyMatch(l -> l.contains("MISCOMPARE") && l.contains("sector 20"));
        assertThat(FioHarness.job(r, "after").ios[JobStats.WRITE]).isEqualTo(1);
    }

    @Test
    void onASataDriveLibataVerifiesTheMediaWithoutComparing() {
        // ata_scsi_verify_xlat: READ VERIFY SECTORS, no data phase, BYTCHK ignored.
        RunResult r = run("hdd-7200", PRECON + "[v]\nsg_write_mode=verify_bytchk_01\nnumber_ios=21\n");
        assertThat(FioHarness.job(r, "v").ios[JobStats.WRITE]).isEqualTo(21);
        // ...and refuses WRITE SAME from SG_IO (ata_scsi_write_same_xlat: passthrough -> invalid opcode).
        JobStats w = FioHarness.job(run("sata-ssd", PRECON + "[w]\nsg_write_mode=write_same_ndob\nnumber_ios=1\n"),
                "w");
        assertThat(w.extra.jobError).isEqualTo(5);
        assertThat(w.extra.log).anyMatch(l -> l.contains("INVALID COMMAND OPERATION CODE"));
    }

    @Test
    void writeSameNdobWritesZeroesThatALaterVerifyFindsOnASasDrive() {
        RunResult r = run("hdd-15k", PRECON + """
                [ndob]
                sg_write_mode=write_same_ndob
                number_ios=19
                [pass]
                sg_write_mode=verify_bytchk_01
                buffer_pattern=0x00
                number_ios=19
                """);
        assertThat(FioHarness.job(r, "pass").ios[JobStats.WRITE]).isEqualTo(19);
        // Block 19 still holds the precondition's 0x01.
        JobStats fail = FioHarness.job(run("hdd-15k", PRECON + "[ndob]\nsg_write_mode=write_same_ndob\nnumber_ios=19\n"
                + "[fail]\nsg_write_mode=verify_bytchk_01\nbuffer_pattern=0x00\nnumber_ios=20\n"), "fail");
        assertThat(fail.extra.jobError).isEqualTo(5);
        assertThat(fail.extra.log).anyMatch(l -> l.contains("MISCOMPARE") && l.contains("sector 19"));
    }

    @Test
    void sgCommandsAreNotInDiskstatsAndSgIoOnNvmeFailsWithEnotty() {
        RunResult r = run("hdd-15k", PRECON);
        assertThat(FioHarness.job(r, "precon").ios[JobStats.WRITE]).isEqualTo(20);
        assertThat(r.metrics().get("diskstats.write.ios").longValue()).isZero();
        assertThat(r.metrics().get("block.passthrough.commands").longValue()).isEqualTo(20);
        assertThatThrownBy(() -> run("nvme-gen4", PRECON)).hasMessageContaining("I/O failed with ENOTTY");
    }

    @Test
    void ioUringCmdRunsNvmeCommandsOnTheGenericDevice() {
        String job = """
                [r]
                filename=/dev/ng0n1
                ioengine=io_uring_cmd
                cmd_type=nvme
                rw=randread
                bs=4k
                iodepth=8
                size=64m
                number_ios=2000
                """;
        RunResult r = run("nvme-gen4", job);
        assertThat(FioHarness.job(r, "r").ios[JobStats.READ]).isEqualTo(2000);
        assertThat(r.metrics().get("diskstats.read.ios").longValue()).isZero();
        assertThat(r.metrics().get("block.passthrough.commands").longValue()).isEqualTo(2000);
        // iostats_passthrough=1: NVMe's passthrough bios carry their bdev, so they are counted.
        RunResult counted = FioHarness.run(dir, stack("nvme-gen4") + "block: {iostats_passthrough: true}\n", job);
        assertThat(counted.metrics().get("diskstats.read.ios").longValue()).isEqualTo(2000);
        assertThat(counted.metrics().get("diskstats.read.sectors").longValue()).isEqualTo(2000 * 8);
    }

    @Test
    void ioUringCmdNeedsTheGenericCharDeviceOfAnNvmeNamespace() {
        String job = "[r]\nioengine=io_uring_cmd\nrw=randread\nsize=16m\nnumber_ios=10\nfilename=";
        assertThatThrownBy(() -> run("nvme-gen4", job + "/dev/nvme0n1\n"))
                .hasMessageContaining("only works with nvme ns generic char devices (/dev/ngXnY)");
        assertThatThrownBy(() -> run("sata-ssd", job + "/dev/ng0n1\n")).hasMessageContaining("no such device")
                .hasMessageContaining("not an NVMe namespace");
    }

    @Test
    void libzbcWritesAtTheWritePointerThroughSgIoAndResetsZonesWithZbcOut() {
        String job = """
                [z]
                filename=/dev/sdj
                ioengine=libzbc
                zonemode=zbd
                zonesize=256M
                max_open_zones=4
                direct=1
                rw=write
                bs=512K
                offset=140660178944
                size=512M
                loops=2
                """;
        RunResult r = run("smr-hc620", job);
        JobStats s = FioHarness.job(r, "z");
        assertThat(s.ios[JobStats.WRITE]).isEqualTo(2 * 1024);
        // Every write and every zone reset (the second loop rewrites the two zones) was a SCSI command.
        assertThat(s.zoneResets).isEqualTo(2);
        assertThat(r.metrics().get("block.passthrough.commands").longValue()).isEqualTo(2 * 1024 + 2);
        assertThat(r.metrics().get("diskstats.write.ios").longValue()).isZero();
        assertThatThrownBy(() -> run("hdd-7200", job)).hasMessageContaining("zbc_open() failed")
                .hasMessageContaining("not a zoned SCSI or ATA disk");
    }

    @Test
    void cppNullIsTheNullEngine() {
        String job = "[n]\nsize=1g\nrw=randread\nnorandommap\nnumber_ios=5000\nioengine=";
        JobStats c = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, job + "cpp_null\n"), "n");
        JobStats n = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, job + "null\n"), "n");
        assertThat(c.ios[JobStats.READ]).isEqualTo(5000);
        assertThat(c.endNs - c.startNs).isEqualTo(n.endNs - n.startNs);
    }
}
