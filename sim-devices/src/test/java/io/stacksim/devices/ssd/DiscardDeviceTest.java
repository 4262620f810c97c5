package io.stacksim.devices.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Bio;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.devices.TestHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Discards on the SSD models: libata's non-queued TRIM (ata_std_qc_defer) on SATA, the FTL
 * unmapping only the mapping units a range covers whole, the per-kind discard limits the
 * drivers state (nvme_config_discard, libata's VPD B0 + sd_config_discard).
 */
class DiscardDeviceTest {
    private static final String[] SMALL = {
        "capacity=768MiB", "channels=2", "chips_per_channel=2", "dies_per_chip=1", "planes_per_die=1",
        "blocks_per_plane=256", "pages_per_block=64", "page_size=16KiB", "spare_size=2208",
        "cell_type=slc", "t_read_lsb=45us", "read_retry_share=0", "read_prefetch=0", "initial_state=full"};

    /**
     * A TRIM on SATA is not an NCQ command: it waits until the four reads in flight have
     * completed, and the two reads issued after it wait until it has (ATA_DEFER_LINK).
     */
    @Test
    void aSataTrimDrainsTheNcqQueueAndHoldsWhatFollows() {
        TestHost host = new TestHost();
        SataSsd dev = (SataSsd) TestHost.device("sata-ssd", SMALL);
        dev.attach(host);
        List<Request> done = new ArrayList<>();
        host.onComplete = done::add;
        List<Request> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            before.add(host.request(Op.READ, (1000L + 97 * i) * 4096, 4096, 0));
            dev.submit(before.get(i));
        }
        Request trim = host.request(Op.DISCARD, 5000L * 4096, 64 * 4096, 0);
        dev.submit(trim);
        Request after1 = host.request(Op.READ, 9000L * 4096, 4096, 0);
        Request after2 = host.request(Op.READ, 9500L * 4096, 4096, 0);
        dev.submit(after1);
        dev.submit(after2);
        host.sim.run();
        assertThat(done).hasSize(7);
        assertThat(done.subList(0, 4)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(done.get(4)).isSameAs(trim);
        assertThat(done.subList(5, 7)).containsExactlyInAnyOrder(after1, after2);
        // the trimmed units are unmapped: no read of them touches NAND
        for (int u = 5000; u < 5064; u++) {
            assertThat(dev.backend().ftl().lookup(u)).isEqualTo(PageMappedFtl.NOT_MAPPED);
        }
        assertThat(dev.backend().ftl().lookup(5064)).isNotEqualTo(PageMappedFtl.NOT_MAPPED);
    }

    /**
     * The FTL unmaps a 4 KiB unit only when a range covers it whole: of the ranges [4, 20) and
     * [40, 56) in sectors, the first covers unit 1 whole and units 0 and 2 in part, the second
     * units 5 and 6 whole; so 1, 5 and 6 are unmapped, 0, 2 and 7 keep their data.
     */
    @Test
    void onlyMappingUnitsCoveredWholeAreUnmapped() {
        TestHost host = new TestHost();
        SataSsd dev = (SataSsd) TestHost.device("sata-ssd", SMALL);
        dev.attach(host);
        Request rq = new Request(new Bio(4, 16, Op.DISCARD, 0, IoPriority.NONE, null, b -> { }), 0, 0);
        rq.appendBio(new Bio(40, 16, Op.DISCARD, 0, IoPriority.NONE, null, b -> { }));
        dev.submit(rq);
        host.sim.run();
        PageMappedFtl ftl = dev.backend().ftl();
        assertThat(ftl.lookup(0)).isNotEqualTo(PageMappedFtl.NOT_MAPPED);
        assertThat(ftl.lookup(1)).isEqualTo(PageMappedFtl.NOT_MAPPED);
        assertThat(ftl.lookup(2)).isNotEqualTo(PageMappedFtl.NOT_MAPPED);
        assertThat(ftl.lookup(5)).isEqualTo(PageMappedFtl.NOT_MAPPED);
        assertThat(ftl.lookup(6)).isEqualTo(PageMappedFtl.NOT_MAPPED);
        assertThat(ftl.lookup(7)).isNotEqualTo(PageMappedFtl.NOT_MAPPED);
    }

    /** The drivers' limits: NVMe DSM (UINT_MAX sectors, the logical block, 256 ranges); SATA (4194240, the physical block, 1); HDD none. */
    @Test
    void eachKindStatesTheDriversDiscardLimits() {
        var nvme = TestHost.device("nvme-gen4", SMALL).limits();
        assertThat(nvme.maxHwDiscardSectors()).isEqualTo(0xffffffffL);
        assertThat(nvme.discardGranularity()).isEqualTo(nvme.logicalBlockSize());
        assertThat(nvme.maxDiscardSegments()).isEqualTo(256);
        var sata = TestHost.device("sata-ssd", SMALL).limits();
        assertThat(sata.maxHwDiscardSectors()).isEqualTo(65535L * 64);
        assertThat(sata.discardGranularity()).isEqualTo(sata.physicalBlockSize());
        assertThat(sata.maxDiscardSegments()).isEqualTo(1);
        assertThat(TestHost.device("hdd-7200").limits().maxHwDiscardSectors()).isZero();
        assertThat(TestHost.device("ramdisk").limits().maxHwDiscardSectors()).isEqualTo(0xffffffffL >> 9);
    }
}
