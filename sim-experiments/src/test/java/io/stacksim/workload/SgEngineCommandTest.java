package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.device.DeviceCommand;
import io.stacksim.device.NvmeCommand;
import io.stacksim.device.ScsiCdb;
import org.junit.jupiter.api.Test;

/**
 * The command each sg_write_mode issues, as fio 3.33's engines/sg.c fio_sgio_prep builds it, and
 * io_uring_cmd's NVMe command (engines/nvme.c fio_nvme_uring_cmd_prep).
 */
class SgEngineCommandTest {
    private static ScsiCdb write(String mode, long offset, long length) {
        return SgEngine.cdb(JobStats.WRITE, offset, length, 512, SgEngine.writeMode(mode), false, false, 9);
    }

    @Test
    void eachWriteModeIssuesFiosCommand() {
        ScsiCdb w = write("write", 4096, 8192);
        assertThat(w.opcode()).isEqualTo(0x2a);
        assertThat(w.lba()).isEqualTo(8);
        assertThat(w.blocks()).isEqualTo(16);
        assertThat(w.dataBytes()).isEqualTo(8192);
        assertThat(write("write_and_verify", 0, 512).opcode()).isEqualTo(0x2e);
        assertThat(write("verify", 0, 512).opcode()).isEqualTo(0x2e); // deprecated alias
        // write_same: one block transferred, the whole range written.
        ScsiCdb same = write("write_same", 0, 8192);
        assertThat(same.opcode()).isEqualTo(0x41);
        assertThat(same.blocks()).isEqualTo(16);
        assertThat(same.dataBytes()).isEqualTo(512);
        assertThat(write("same", 0, 512).opcode()).isEqualTo(0x41);
        // write_same_ndob: WRITE SAME(16) with NDOB, even at low LBAs, no data.
        ScsiCdb ndob = write("write_same_ndob", 0, 8192);
        assertThat(ndob.opcode()).isEqualTo(0x93);
        assertThat(ndob.ndob()).isTrue();
        assertThat(ndob.dataBytes()).isZero();
        assertThat(ndob.dataToken()).isEqualTo(DeviceCommand.ZEROES);
        // VERIFY(10) with BYTCHK 00b (no data), 01b (the buffer), 11b (one block).
        ScsiCdb v0 = write("verify_bytchk_00", 0, 8192);
        ScsiCdb v1 = write("verify_bytchk_01", 0, 8192);
        ScsiCdb v3 = write("verify_bytchk_11", 0, 8192);
        assertThat(v0.opcode()).isEqualTo(0x2f);
        assertThat(new int[] {v0.bytchk(), v1.bytchk(), v3.bytchk()}).containsExactly(0, 1, 3);
        assertThat(new long[] {v0.dataBytes(), v1.dataBytes(), v3.dataBytes()}).containsExactly(0, 8192, 512);
        assertThat(write("write_stream", 0, 512).opcode()).isEqualTo(0x9a);
    }

    @Test
    void sixteenByteCdbsFromMax10bLbaOnAndFuaBits() {
        long beyond = SgEngine.MAX_10B_LBA * 512;
        assertThat(write("write", beyond, 512).opcode()).isEqualTo(0x8a);
        assertThat(write("write", beyond - 512, 512).opcode()).isEqualTo(0x2a);
        assertThat(write("verify_bytchk_01", beyond, 512).opcode()).isEqualTo(0x8f);
        assertThat(write("write_same", beyond, 512).opcode()).isEqualTo(0x93);
        ScsiCdb r = SgEngine.cdb(JobStats.READ, beyond, 4096, 512, SgEngine.WriteMode.WRITE, true, false, 0);
        assertThat(r.opcode()).isEqualTo(0x88);
        assertThat(r.fua()).isTrue();
        assertThat(r.toDevice()).isFalse();
        assertThat(SgEngine.cdb(JobStats.SYNC, 0, 0, 512, SgEngine.WriteMode.WRITE, false, false, 0).opcode())
                .isEqualTo(0x35);
    }

    @Test
    void aTransferOfPartBlocksHasNoCommandAndPatternsAreTokens() {
        assertThat(SgEngine.cdb(JobStats.WRITE, 0, 1000, 512, SgEngine.WriteMode.WRITE, false, false, 0)).isNull();
        assertThat(SgEngine.patternToken("0x00")).isEqualTo(DeviceCommand.ZEROES);
        assertThat(SgEngine.patternToken(null)).isEqualTo(DeviceCommand.UNKNOWN);
        assertThat(SgEngine.patternToken("0x01")).isEqualTo(SgEngine.patternToken("0X01")).isPositive();
        assertThat(SgEngine.patternToken("0x01")).isNotEqualTo(SgEngine.patternToken("0x02"));
    }

    @Test
    void ioUringCmdIssuesNvmeReadAndWriteOfLbas() {
        NvmeCommand w = IoUringEngine.nvmeCommand(JobStats.WRITE, 8192, 4096, 512, 3);
        assertThat(w.opcode()).isEqualTo(NvmeCommand.WRITE);
        assertThat(w.slba()).isEqualTo(16);
        assertThat(w.blocks()).isEqualTo(8);
        assertThat(w.toDevice()).isTrue();
        assertThat(IoUringEngine.nvmeCommand(JobStats.READ, 0, 4096, 4096, 0).blocks()).isEqualTo(1);
        assertThat(IoUringEngine.nvmeCommand(JobStats.SYNC, 0, 0, 512, 0)).isNull();
        assertThat(IoUringEngine.isNvmeGenericNode("/dev/ng0n1")).isTrue();
        assertThat(IoUringEngine.isNvmeGenericNode("/dev/nvme0n1")).isFalse();
    }
}
