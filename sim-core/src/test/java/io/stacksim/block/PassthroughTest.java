package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceCommand;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.NvmeCommand;
import io.stacksim.device.ScsiCdb;
import io.stacksim.device.Transport;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passthrough requests against block/blk-mq.c's rules (Linux 6.18): blk_execute_rq puts them on
 * hctx->dispatch through blk_mq_request_bypass_insert, never into the I/O scheduler; rq_mergeable
 * refuses them, so nothing merges with them; blk_account_io_start counts them in diskstats only
 * under blk_rq_passthrough_stats (queue/iostats_passthrough, a bio with bi_bdev set: NVMe's);
 * a plug takes one only without at_head; the device does the media work of the command.
 */
class PassthroughTest {
    private static final long US = 1000;

    /** A device serving one request at a time in a fixed time, recording what it was given. */
    static final class Device implements BlockDevice {
        record Seen(long time, Op op, long sector, int sectors, long hostBytes) {
        }

        final DeviceLimits limits;
        final Transport transport;
        final List<Seen> seen = new ArrayList<>();
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        DeviceHost host;
        boolean busy;

        Device(DeviceLimits limits, Transport transport) {
            this.limits = limits;
            this.transport = transport;
        }

        @Override
        public String name() {
            return "sda";
        }

        @Override
        public DeviceLimits limits() {
            return limits;
        }

        @Override
        public Transport transport() {
            return transport;
        }

        @Override
        public void attach(DeviceHost host) {
            this.host = host;
        }

        @Override
        public void submit(Request rq) {
            seen.add(new Seen(host.sim().now(), rq.op, rq.sector, rq.nrSectors, rq.hostBytes()));
            if (busy) {
                waiting.addLast(rq);
            } else {
                start(rq);
            }
        }

        private void start(Request rq) {
            busy = true;
            host.sim().after(100 * US, () -> {
                busy = false;
                host.complete(rq);
                Request next = waiting.pollFirst();
                if (next != null) {
                    start(next);
                }
            });
        }
    }

    final Simulator sim = new Simulator();
    final Submitter task = new Submitter(100, "fio", 0);
    final List<Bio> done = new ArrayList<>();
    Device device;
    BlockQueue queue;

    private void setUp(String scheduler, Transport t, int depth, String... settings) {
        ConfigNode root = ConfigNode.emptyRoot("test");
        for (String s : settings) {
            int eq = s.indexOf('=');
            root.set(s.substring(0, eq), s.substring(eq + 1), io.stacksim.config.Origin.of("test", 0));
        }
        ConfigNode block = root.section("block");
        QueueSettings qs = QueueSettings.from(block);
        IoScheduler sched = Schedulers.create(scheduler, block.section("iosched"));
        device = new Device(DeviceLimits.builder(1L << 24).queueDepth(depth).maxHwSectors(2560).volatileWriteCache(true)
                .build(), t);
        queue = new BlockQueue(sim, new RandomStreams(1), device, (cpu, h) -> sim.schedule(sim.now(), h), qs, sched);
    }

    private Bio passthrough(DeviceCommand cmd, boolean atHead) {
        Bio b = new Bio(0, (int) ((cmd.dataBytes() + 511) >>> 9), cmd.toDevice() ? Op.DRV_OUT : Op.DRV_IN, Bio.SYNC,
                IoPriority.NONE, task, done::add);
        b.command = cmd;
        b.atHead = atHead;
        return b;
    }

    private static ScsiCdb write10(long lba, long blocks) {
        return new ScsiCdb(ScsiCdb.WRITE_10, 0, lba, blocks, 0, false, false, blocks * 512, true, 7);
    }

    @Test
    void aPassthroughRequestIsNeverMergedWithItsNeighbours() {
        setUp("none", Transport.SAS, 1);
        // Three back-to-back WRITE(10) of adjacent blocks, then an ordinary write right after them:
        // each command is its own request (rq_mergeable is false for passthrough).
        queue.executePassthrough(passthrough(write10(0, 8), false));
        queue.executePassthrough(passthrough(write10(8, 8), false));
        queue.executePassthrough(passthrough(write10(16, 8), false));
        queue.submitBio(new Bio(24, 8, Op.WRITE, Bio.SYNC, IoPriority.NONE, task, done::add));
        sim.run();
        assertThat(device.seen).extracting(Device.Seen::sector).containsExactly(0L, 8L, 16L, 24L);
        assertThat(device.seen).extracting(Device.Seen::sectors).containsExactly(8, 8, 8, 8);
        assertThat(done).hasSize(4).allMatch(b -> b.error == 0);
        assertThat(queue.merge.requestMerges).isZero();
    }

    @Test
    void mqDeadlineNeverSeesAPassthroughRequestAndHctxDispatchGoesFirst() {
        // blk-wbt off: its window timer would keep scaling after the async writes (wb_timer_fn).
        setUp("mq-deadline", Transport.SAS, 1, "block.wbt_lat_usec=0", "block.nr_requests=64");
        Stats stats = new Stats();
        queue.registerStats(stats);
        // A device of depth 1 busy with the first write; four more wait in mq-deadline.
        for (int i = 0; i < 5; i++) {
            queue.submitBio(new Bio(1000L * i, 8, Op.WRITE, 0, IoPriority.NONE, task, done::add));
        }
        // A SCSI READ(10) at the head of hctx->dispatch: served right after the write in the device.
        ScsiCdb read = new ScsiCdb(ScsiCdb.READ_10, 0, 50_000, 8, 0, false, false, 4096, false, 0);
        queue.executePassthrough(passthrough(read, true));
        sim.run();
        assertThat(device.seen).extracting(Device.Seen::op)
                .containsExactly(Op.WRITE, Op.READ, Op.WRITE, Op.WRITE, Op.WRITE, Op.WRITE);
        assertThat(device.seen.get(1).sector()).isEqualTo(50_000 * 1L);
        java.util.Map<String, Number> m = stats.snapshot();
        long inserted = m.entrySet().stream().filter(e -> e.getKey().endsWith(".inserted"))
                .mapToLong(e -> e.getValue().longValue()).sum();
        assertThat(inserted).as("requests mq-deadline took").isEqualTo(5);
        assertThat(m.get("block.passthrough.commands").longValue()).isEqualTo(1);
    }

    @Test
    void passthroughIsNotInDiskstatsUnlessIostatsPassthroughAndNvme() {
        ScsiCdb w = write10(0, 8);
        setUp("none", Transport.SAS, 4);
        queue.executePassthrough(passthrough(w, true));
        sim.run();
        assertThat(queue.diskStats().ios(DiskStats.WRITE)).isZero();

        // iostats_passthrough=1: SG_IO's bio has no bi_bdev, so SCSI passthrough is still not counted.
        setUp("none", Transport.SAS, 4, "block.iostats_passthrough=true");
        queue.executePassthrough(passthrough(w, true));
        sim.run();
        assertThat(queue.diskStats().ios(DiskStats.WRITE)).isZero();

        // NVMe sets the bio's bdev: with the attribute set its I/O commands are counted, by direction.
        NvmeCommand nw = new NvmeCommand(NvmeCommand.WRITE, 0, 8, 0, false, 4096, 7);
        NvmeCommand nr = new NvmeCommand(NvmeCommand.READ, 0, 8, 0, false, 4096, 7);
        setUp("none", Transport.NVME, 4);
        queue.executePassthrough(passthrough(nw, false));
        sim.run();
        assertThat(queue.diskStats().ios(DiskStats.WRITE)).isZero();
        setUp("none", Transport.NVME, 4, "block.iostats_passthrough=true");
        queue.executePassthrough(passthrough(nw, false));
        queue.executePassthrough(passthrough(nr, false));
        sim.run();
        assertThat(queue.diskStats().ios(DiskStats.WRITE)).isEqualTo(1);
        assertThat(queue.diskStats().ios(DiskStats.READ)).isEqualTo(1);
        assertThat(queue.diskStats().sectors(DiskStats.WRITE)).isEqualTo(8);
    }

    @Test
    void onlyACommandNotAtHeadGoesIntoTheSubmittersPlug() {
        setUp("none", Transport.NVME, 4);
        Plug plug = Plug.start(task);
        queue.executePassthrough(passthrough(new NvmeCommand(NvmeCommand.READ, 0, 8, 0, false, 4096, 0), false));
        queue.executePassthrough(passthrough(new NvmeCommand(NvmeCommand.READ, 64, 8, 0, false, 4096, 0), true));
        // blk_execute_rq_nowait: at_head skips the plug and is dispatched now; the other waits for the unplug.
        assertThat(device.seen).extracting(Device.Seen::sector).containsExactly(64L);
        Plug.finish(task, plug);
        sim.run();
        assertThat(device.seen).extracting(Device.Seen::sector).containsExactly(64L, 0L);
    }

    @Test
    void theDeviceDoesTheMediaWorkOfEachCommandWithItsTransfer() {
        setUp("none", Transport.SAS, 1);
        // VERIFY(10) BYTCHK 00b: a media read of 8 blocks that moves nothing over the link.
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.VERIFY_10, 0, 0, 8, 0, false, false, 0, true, 0),
                true));
        // WRITE SAME(16) of 64 blocks from one block of data; with NDOB, from none.
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.WRITE_SAME_16, 0, 100, 64, 0, false, false, 512, true,
                7), true));
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.WRITE_SAME_16, 0, 200, 64, 0, true, false, 0, true,
                DeviceCommand.ZEROES), true));
        // WRITE AND VERIFY(10): the write, then the read back.
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.WRITE_VERIFY_10, 0, 300, 8, 0, false, false, 4096,
                true, 7), true));
        sim.run();
        assertThat(device.seen).containsExactly(
                new Device.Seen(0, Op.READ, 0, 8, 0),
                new Device.Seen(100 * US, Op.WRITE, 100, 64, 512),
                new Device.Seen(200 * US, Op.WRITE, 200, 64, 0),
                new Device.Seen(300 * US, Op.WRITE, 300, 8, 4096),
                new Device.Seen(400 * US, Op.READ, 300, 8, 0));
        assertThat(done).allMatch(b -> b.error == 0);
    }

    @Test
    void aVerifyThatComparesFailsWithMiscompareWhereTheMediaDiffers() {
        setUp("none", Transport.SAS, 1);
        queue.executePassthrough(passthrough(write10(0, 20), true)); // token 7 over blocks 0-19
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.VERIFY_10, 0, 0, 20, 1, false, false, 20 * 512, true,
                7), true));
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.VERIFY_10, 0, 0, 21, 1, false, false, 21 * 512, true,
                7), true));
        sim.run();
        assertThat(done.get(1).error).isZero();
        assertThat(done.get(2).error).isEqualTo(-5);
        assertThat(done.get(2).sense).contains("MISCOMPARE").contains("sector 20");
    }

    @Test
    void onSataLibataTranslatesVerifyToReadVerifySectorsAndRefusesWriteSame() {
        setUp("none", Transport.SATA, 1);
        queue.executePassthrough(passthrough(write10(0, 20), true));
        // BYTCHK 01b over a block never written: libata's READ VERIFY SECTORS compares nothing.
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.VERIFY_10, 0, 0, 21, 1, false, false, 21 * 512, true,
                7), true));
        queue.executePassthrough(passthrough(new ScsiCdb(ScsiCdb.WRITE_SAME_16, 0, 0, 8, 0, true, false, 0, true,
                DeviceCommand.ZEROES), true));
        sim.run();
        assertThat(done.get(1).error).isZero();
        assertThat(device.seen.get(1)).isEqualTo(new Device.Seen(100 * US, Op.READ, 0, 21, 0));
        assertThat(done.get(2).error).isEqualTo(-5);
        assertThat(done.get(2).sense).contains("INVALID COMMAND OPERATION CODE");
        assertThat(device.seen).hasSize(2); // refused in libata, never sent to the drive
    }

    @Test
    void aDeviceWithoutPassthroughFailsTheCommandWithEnotty() {
        setUp("none", Transport.NONE, 1);
        queue.executePassthrough(passthrough(write10(0, 8), true));
        sim.run();
        assertThat(done).singleElement().satisfies(b -> assertThat(b.error).isEqualTo(-25));
        assertThat(device.seen).isEmpty();
    }

    @Test
    void aPassthroughSubmitterWaitsForATagLikeAnyOther() {
        setUp("none", Transport.SAS, 1); // one driver tag
        queue.submitBio(new Bio(0, 8, Op.WRITE, Bio.SYNC, IoPriority.NONE, task, done::add));
        queue.executePassthrough(passthrough(write10(100, 8), true));
        assertThat(queue.requestsAllocated()).isEqualTo(1);
        sim.run();
        assertThat(device.seen).extracting(Device.Seen::sector).containsExactly(0L, 100L);
        assertThat(device.seen.get(1).time()).isEqualTo(100 * US);
    }
}
