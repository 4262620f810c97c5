package io.stacksim.devices.zoned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stacksim.block.Bio;
import io.stacksim.block.BlkZone;
import io.stacksim.block.BlockQueue;
import io.stacksim.block.IoPriority;
import io.stacksim.block.IoScheduler;
import io.stacksim.block.Op;
import io.stacksim.block.QueueSettings;
import io.stacksim.block.Request;
import io.stacksim.block.Schedulers;
import io.stacksim.block.ZoneCond;
import io.stacksim.block.ZonedLimits;
import io.stacksim.config.ConfigNode;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.ram.RamDisk;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The zone rules of a zoned drive and of the block layer's zone write plugging, checked against
 * the kernel's and the standards' rules (block/blk-zoned.c, ZBC-2, NVMe ZNS 1.1): writes land
 * at the write pointer whatever the queue depth, a write elsewhere fails with EIO, the open and
 * active limits are never exceeded, reset returns a zone to empty, zone append returns the
 * sector it wrote, reads beyond the write pointer move no media data.
 */
class ZonedDeviceTest {
    static final long ZONE = 8192; // 4 MiB zones

    final Simulator sim = new Simulator();
    final List<Bio> done = new ArrayList<>();
    /** Media requests in flight per zone, and the most ever seen. */
    final Map<Long, Integer> inFlight = new HashMap<>();
    int maxWritesInFlightPerZone;
    long mediaBytes;
    long mediaDiscarded;
    ZonedDevice dev;
    BlockQueue q;

    long capSectors;
    /** The media serves reads of unwritten blocks itself (ZNS: the NVMe FTL returns zeroes). */
    boolean mediaReadsUnwritten;

    /** A RAM disk as media that records what reaches it. */
    final class Media implements io.stacksim.device.BlockDevice {
        final RamDisk ram;

        Media(long sectors) {
            ram = new RamDisk("media", DeviceLimits.builder(sectors).queueDepth(32).maxHwSectors(2048).build(), 2e9, 20_000);
        }

        @Override
        public String name() {
            return "media";
        }

        @Override
        public DeviceLimits limits() {
            return ram.limits();
        }

        @Override
        public void attach(io.stacksim.device.DeviceHost host) {
            ram.attach(new io.stacksim.device.DeviceHost() {
                public Simulator sim() {
                    return host.sim();
                }

                public RandomStreams random() {
                    return host.random();
                }

                public void complete(Request rq) {
                    if (rq.op == Op.WRITE) {
                        inFlight.merge(rq.sector / capSectors, -1, Integer::sum);
                    }
                    host.complete(rq);
                }

                public void countDma(Request rq, long bytes) {
                    host.countDma(rq, bytes);
                }
            });
        }

        @Override
        public void submit(Request rq) {
            if (rq.op == Op.WRITE) {
                int n = inFlight.merge(rq.sector / capSectors, 1, Integer::sum);
                maxWritesInFlightPerZone = Math.max(maxWritesInFlightPerZone, n);
            }
            mediaBytes += rq.op.hasData() ? rq.bytes() : 0;
            mediaDiscarded += rq.op == Op.DISCARD ? rq.nrSectors : 0;
            ram.submit(rq);
        }
    }

    void build(String scheduler, int nrZones, int conv, long cap, int maxOpen, int maxActive, int appendMax) {
        capSectors = cap;
        Media media = new Media(nrZones * cap);
        ZonedLimits zl = new ZonedLimits(ZonedLimits.Model.HOST_MANAGED, ZONE, nrZones, maxOpen, maxActive, appendMax);
        dev = new ZonedDevice("zd0", media, zl, new ZoneState(ZONE, cap, nrZones, conv, maxOpen, maxActive), 5_000, true,
                mediaReadsUnwritten);
        ConfigNode block = ConfigNode.emptyRoot("test").section("block");
        IoScheduler sched = Schedulers.create(scheduler, block.section("iosched"));
        q = new BlockQueue(sim, new RandomStreams(1), dev, (cpu, h) -> sim.schedule(sim.now(), h),
                QueueSettings.from(block), sched);
    }

    void build(int nrZones, int maxOpen, int maxActive) {
        build("none", nrZones, 1, ZONE, maxOpen, maxActive, 0);
    }

    Bio bio(Op op, long sector, int sectors) {
        Bio b = new Bio(sector, sectors, op, Bio.SYNC, IoPriority.NONE, null, done::add);
        q.submitBio(b);
        return b;
    }

    BlkZone zone(int z) {
        return q.reportZones(z * ZONE, 1).get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "mq-deadline", "kyber", "bfq"})
    void writesLandAtTheWritePointerWithOneWritePerZoneAtTheDevice(String scheduler) {
        build(scheduler, 8, 1, ZONE, 0, 0, 0);
        List<Bio> bios = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bios.add(bio(Op.WRITE, 2 * ZONE + i * 128L, 128)); // 64 x 64 KiB, all at once
        }
        sim.run();
        for (Bio b : bios) {
            assertEquals(0, b.error, "write at " + b.sector);
        }
        assertEquals(1, maxWritesInFlightPerZone, "zone write plugging keeps one write per zone at the device");
        assertEquals(2 * ZONE + 64 * 128, zone(2).wp());
        assertEquals(ZoneCond.FULL, zone(2).cond()); // 64 x 128 sectors = the whole 4 MiB zone
    }

    @Test
    void aWriteNotAtTheWritePointerFailsWithEio() {
        build(8, 0, 0);
        Bio intoEmpty = bio(Op.WRITE, 3 * ZONE + 8, 8);   // no plug yet: the device rejects it
        sim.run();
        assertEquals(-5, intoEmpty.error);
        bio(Op.WRITE, 4 * ZONE, 8);
        sim.run();
        long rejectedBefore = rejected();
        Bio behind = bio(Op.WRITE, 4 * ZONE, 8);           // rewrite below the write pointer
        Bio ahead = bio(Op.WRITE, 4 * ZONE + 64, 8);       // a gap after it
        sim.run();
        assertEquals(-5, behind.error);
        assertEquals(-5, ahead.error);
        assertEquals(rejectedBefore, rejected(), "a zone with a write plug fails them in the block layer");
        assertEquals(4 * ZONE + 8, zone(4).wp());
        Bio conv = bio(Op.WRITE, 100, 8);                  // conventional zone 0: any offset
        sim.run();
        assertEquals(0, conv.error);
    }

    long rejected() {
        io.stacksim.engine.Stats s = new io.stacksim.engine.Stats();
        dev.registerStats(s, "d.");
        return s.snapshot().get("d.zoned.rejected").longValue();
    }

    @Test
    void implicitOpensCloseTheLeastRecentlyWrittenZoneAndNeverExceedTheOpenLimit() {
        build(16, 4, 0);
        for (int z = 1; z <= 8; z++) {
            bio(Op.WRITE, z * ZONE, 8);
            sim.run();
            assertTrue(dev.state().openZones() <= 4);
        }
        assertEquals(4, dev.state().openZones());
        assertEquals(ZoneCond.CLOSED, zone(1).cond());
        assertEquals(ZoneCond.CLOSED, zone(4).cond());
        assertEquals(ZoneCond.IMP_OPEN, zone(5).cond());
        // A closed zone written again is reopened, closing the least recently written (5).
        bio(Op.WRITE, ZONE + 8, 8);
        sim.run();
        assertEquals(ZoneCond.IMP_OPEN, zone(1).cond());
        assertEquals(ZoneCond.CLOSED, zone(5).cond());
    }

    @Test
    void withEveryOpenZoneOpenedExplicitlyAWriteToAnotherFailsTooManyOpenZones() {
        build(16, 4, 0);
        for (int z = 1; z <= 4; z++) {
            Bio open = bio(Op.ZONE_OPEN, z * ZONE, 0);
            sim.run();
            assertEquals(0, open.error);
            assertEquals(ZoneCond.EXP_OPEN, zone(z).cond());
        }
        Bio w = bio(Op.WRITE, 9 * ZONE, 8);
        Bio open5 = bio(Op.ZONE_OPEN, 10 * ZONE, 0);
        sim.run();
        assertEquals(-109, w.error); // ETOOMANYREFS: BLK_STS_ZONE_OPEN_RESOURCE
        assertEquals(-109, open5.error);
        Bio close = bio(Op.ZONE_CLOSE, ZONE, 0);
        sim.run();
        assertEquals(0, close.error);
        assertEquals(ZoneCond.EMPTY, zone(1).cond()); // closed with nothing written: empty again
        Bio stale = bio(Op.WRITE, 9 * ZONE, 8);
        sim.run();
        assertEquals(-5, stale.error, "after a failed write the plug needs the write pointer (NEED_WP_UPDATE)");
        assertEquals(9 * ZONE, zone(9).wp()); // the report gives it back
        Bio again = bio(Op.WRITE, 9 * ZONE, 8);
        sim.run();
        assertEquals(0, again.error);
    }

    @Test
    void theActiveLimitCountsClosedZonesToo() {
        build("none", 16, 1, ZONE, 2, 3, 0);
        for (int z = 1; z <= 3; z++) {
            bio(Op.WRITE, z * ZONE, 8);
            sim.run();
        }
        assertEquals(2, dev.state().openZones());
        assertEquals(3, dev.state().activeZones());
        Bio fourth = bio(Op.WRITE, 4 * ZONE, 8);
        sim.run();
        assertEquals(-75, fourth.error); // EOVERFLOW: BLK_STS_ZONE_ACTIVE_RESOURCE
        Bio fin = bio(Op.ZONE_FINISH, ZONE, 0);
        sim.run();
        assertEquals(0, fin.error);
        assertEquals(ZoneCond.FULL, zone(1).cond());
        assertEquals(2, dev.state().activeZones());
        zone(4); // a report after the error: the plug learns the write pointer again
        Bio retry = bio(Op.WRITE, 4 * ZONE, 8);
        Bio toFull = bio(Op.WRITE, 2 * ZONE - 8, 8);
        sim.run();
        assertEquals(0, retry.error);
        assertEquals(-5, toFull.error);
    }

    @Test
    void resetReturnsTheZoneToEmptyAndTheWritePointerToItsStart() {
        build(8, 0, 0);
        for (int i = 0; i < 4; i++) {
            bio(Op.WRITE, 2 * ZONE + i * 64L, 64);
        }
        sim.run();
        assertEquals(ZoneCond.IMP_OPEN, zone(2).cond());
        Bio reset = bio(Op.ZONE_RESET, 2 * ZONE, 0);
        sim.run();
        assertEquals(0, reset.error);
        assertEquals(ZoneCond.EMPTY, zone(2).cond());
        assertEquals(2 * ZONE, zone(2).wp());
        Bio fromStart = bio(Op.WRITE, 2 * ZONE, 64);
        sim.run();
        assertEquals(0, fromStart.error, "the host's write pointer was reset with the zone");
        Bio conv = bio(Op.ZONE_RESET, 0, 0);
        sim.run();
        assertEquals(-5, conv.error); // conventional zones cannot be reset
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256})
    void zoneAppendReturnsTheSectorItWrote(int appendMax) {
        build("mq-deadline", 8, 1, ZONE, 0, 0, appendMax); // 0: emulated by the block layer, 256: native
        bio(Op.WRITE, 3 * ZONE, 16);
        sim.run();
        Bio a = bio(Op.ZONE_APPEND, 3 * ZONE, 8);
        sim.run();
        Bio b = bio(Op.ZONE_APPEND, 3 * ZONE, 32);
        sim.run();
        assertEquals(0, a.error);
        assertEquals(3 * ZONE + 16, a.writtenSector);
        assertEquals(3 * ZONE + 24, b.writtenSector);
        assertEquals(Op.ZONE_APPEND, a.op);
        assertEquals(3 * ZONE + 56, zone(3).wp());
        Bio notAtStart = bio(Op.ZONE_APPEND, 3 * ZONE + 8, 8);
        sim.run();
        assertEquals(-5, notAtStart.error);
    }

    /**
     * NVMe ZNS: a zone's blocks beyond the write pointer are deallocated and read as zeroes, which
     * the controller still transfers to the host; the media model (an FTL with those units
     * unmapped) serves them without NAND reads. So the whole read reaches the media, as far as
     * the zone's capacity: the blocks between capacity and zone size have no media behind them.
     */
    @Test
    void znsReadsBeyondTheWritePointerReachTheMediaUpToTheZoneCapacity() {
        mediaReadsUnwritten = true;
        build("none", 8, 0, ZONE / 2, 0, 0, 0);
        bio(Op.WRITE, 2 * ZONE, 64);
        sim.run();
        long before = mediaBytes;
        Bio r = bio(Op.READ, 2 * ZONE, 128); // 64 written + 64 deallocated
        sim.run();
        assertEquals(0, r.error);
        assertEquals(128 * 512, mediaBytes - before);
        before = mediaBytes;
        Bio unwritten = bio(Op.READ, 5 * ZONE, (int) ZONE); // the zone's capacity, then its gap
        sim.run();
        assertEquals(0, unwritten.error);
        assertEquals(ZONE / 2 * 512, mediaBytes - before);
    }

    /** Reset all (the ALL bit) deallocates every written zone's data in the media, as a reset of each would. */
    @Test
    void resetOfAllZonesDeallocatesWhatTheyHeld() {
        build(8, 0, 0);
        bio(Op.WRITE, 2 * ZONE, 64);
        bio(Op.WRITE, 4 * ZONE, 16);
        sim.run();
        Bio all = bio(Op.ZONE_RESET_ALL, 0, 0);
        sim.run();
        assertEquals(0, all.error);
        assertEquals(64 + 16, mediaDiscarded);
        assertEquals(2 * ZONE, zone(2).wp());
    }

    /** A disk (SMR, ZBC URSWRZ=1): the part beyond the write pointer moves no media data. */
    @Test
    void readsBeyondTheWritePointerMoveNoMediaData() {
        build(8, 0, 0);
        bio(Op.WRITE, 2 * ZONE, 64);
        sim.run();
        long before = mediaBytes;
        Bio r = bio(Op.READ, 2 * ZONE, 128); // 64 written + 64 beyond
        sim.run();
        assertEquals(0, r.error);
        assertEquals(64 * 512, mediaBytes - before);
        Bio unwritten = bio(Op.READ, 5 * ZONE, 128);
        sim.run();
        assertEquals(0, unwritten.error);
        assertEquals(64 * 512, mediaBytes - before);
    }

    @Test
    void aZoneCapacityBelowItsSizeEndsTheWritableSpaceAndFillsTheZone() {
        build("none", 4, 0, ZONE / 2, 0, 0, 0);
        Bio all = bio(Op.WRITE, ZONE, (int) (ZONE / 2));
        sim.run();
        assertEquals(0, all.error);
        assertEquals(ZoneCond.FULL, zone(1).cond());
        Bio past = bio(Op.WRITE, ZONE + ZONE / 2, 8);
        sim.run();
        assertEquals(-5, past.error);
        Bio over = bio(Op.WRITE, 2 * ZONE + ZONE / 2 - 8, 16);
        sim.run();
        assertEquals(-5, over.error);
    }

    @Test
    void zoneOperationsOnARegularDiskAreNotSupported() {
        ConfigNode block = ConfigNode.emptyRoot("test").section("block");
        BlockQueue plain = new BlockQueue(sim, new RandomStreams(1),
                new RamDisk("ram0", DeviceLimits.builder(1 << 20).build(), 2e9, 1000),
                (cpu, h) -> sim.schedule(sim.now(), h), QueueSettings.from(block), Schedulers.create("none", block.section("iosched")));
        Bio b = new Bio(0, 0, Op.ZONE_RESET, 0, IoPriority.NONE, null, done::add);
        plain.submitBio(b);
        sim.run();
        assertEquals(-95, b.error);
    }
}
