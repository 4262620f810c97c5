package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.cli.CliRunner;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.experiment.run.CopyPaths.Case;
import io.stacksim.experiment.run.CopyPaths.Measured;
import io.stacksim.experiment.run.CopyPaths.Method;
import org.junit.jupiter.api.Test;

/**
 * The file-to-socket paths against the classic copy table (linux-facts.md section 6) and the
 * kernel's transmit rules: the counts come from the simulation's counters.
 */
class CopyPathsTest {
    private static final long FILE = 8L << 20;
    private static final long UNIT = 64 << 10;

    private static Measured run(Method m, boolean gather, long unit, boolean warm) {
        ConfigNode base = ConfigNode.emptyRoot("t");
        base.set("device.profile", "nvme-gen4", Origin.flag("t"));
        base.set("net.profile", "nic-100g", Origin.flag("t"));
        return CopyPaths.measure(base, new Case(m, gather, unit, warm), FILE, 1);
    }

    private static void assertCounts(Measured r, double mode, double cpu, double dma) {
        assertThat(r.modeSwitches()).isEqualTo(mode);
        assertThat(r.cpuCopies()).isEqualTo(cpu);
        assertThat(r.dmaCopies()).isEqualTo(dma);
        assertThat(r.bytes()).isEqualTo(FILE);
    }

    @Test
    void readPlusWriteIsFourModeSwitchesTwoCpuCopiesTwoDmaCopies() {
        assertCounts(run(Method.READ_WRITE, true, UNIT, false), 4, 2, 2);
    }

    @Test
    void mmapPlusWriteSavesTheCopyToUser() {
        assertCounts(run(Method.MMAP_WRITE, true, UNIT, false), 4, 1, 2);
    }

    @Test
    void sendfileToANicWithoutGatherCopiesOnceInTheKernel() {
        assertCounts(run(Method.SENDFILE, false, UNIT, false), 2, 1, 2);
    }

    @Test
    void sendfileWithGatherMakesNoCpuCopyAtAll() {
        Measured r = run(Method.SENDFILE, true, UNIT, false);
        assertCounts(r, 2, 0, 2);
        assertThat(r.cpuCopies()).isZero();
    }

    @Test
    void spliceThroughAPipeIsTwoSyscallsAndNoCopy() {
        assertCounts(run(Method.SPLICE, true, UNIT, false), 4, 0, 2);
    }

    @Test
    void aNicWithoutGatherAddsTheGsoCopyToEveryPath() {
        // sk_setup_caps gives TCP sockets NETIF_F_SG regardless of the device, so the paged
        // packets are copied into linear segments by software GSO.
        assertCounts(run(Method.READ_WRITE, false, UNIT, false), 4, 3, 2);
        assertCounts(run(Method.SPLICE, false, UNIT, false), 4, 1, 2);
    }

    @Test
    void aWarmCacheLeavesOnlyTheNicsDmaCopy() {
        assertCounts(run(Method.SENDFILE, true, UNIT, true), 2, 0, 1);
        assertCounts(run(Method.READ_WRITE, true, 4096, true), 4, 2, 1);
    }

    @Test
    void sendfileIsOneSyscallWhateverTheUnitSize() {
        assertCounts(run(Method.SENDFILE, true, 1 << 20, false), 2, 0, 2);
        assertThat(run(Method.SENDFILE, true, 1 << 20, false).syscalls()).isEqualTo(1);
    }

    @Test
    void zeroCopyUsesLessCpuThanCopying() {
        Measured copy = run(Method.READ_WRITE, true, UNIT, true);
        Measured zero = run(Method.SENDFILE, true, UNIT, true);
        // read+write copies the file twice at 7.5 GB/s; sendfile instead handles each page
        // through the splice pipe (a few 50 ns steps): a saving of well over one copy's time.
        long oneCopyNs = FILE * 1_000_000_000L / 7_500_000_000L;
        assertThat(copy.sysNs() - zero.sysNs()).isGreaterThan(oneCopyNs);
        assertThat(copy.sysNs() - zero.sysNs()).isLessThan(2 * oneCopyNs);
    }

    @Test
    void validateCopyPathsPassesAndExitsZero() {
        CliRunner.Outcome o = CliRunner.cli("validate", "copy-paths", "--file-size", "4m", "--units", "64k", "--threads", "2");
        assertThat(o.code()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("all counts match").doesNotContain("FAIL");
        assertThat(o.out()).contains("sendfile       SG ").contains("splice");
    }
}
