package io.stacksim.devices.stacked;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockQueue;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.NoneScheduler;
import io.stacksim.block.Op;
import io.stacksim.block.QueueLimits;
import io.stacksim.block.QueueSettings;
import io.stacksim.block.Request;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.dm.Dm;
import io.stacksim.devices.md.Md;
import io.stacksim.engine.Invariants;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.fs.FileSystem;
import io.stacksim.fs.MetadataJournal;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.VmSettings;
import io.stacksim.os.CostModel;
import io.stacksim.os.Cpus;
import io.stacksim.os.Kernel;
import io.stacksim.os.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * --check's data rules against deliberate model faults: a path that drops cache flushes (the
 * one member an md mirror's md_flush_request or a dm table's flush must also reach), one that
 * strips REQ_FUA, one that loses writes. Each fault must be caught, naming the time, the file
 * and the device, and the same run without the fault must hold every rule.
 */
class DataChecksTest {
    private static final long MIB = 1 << 20;

    /** What a faulty path between a stacked driver (or the file system) and a queue does wrong. */
    enum Fault { NONE, DROP_FLUSHES, STRIP_FUA, DROP_FLUSHES_AND_FUA, DROP_WRITES }

    /** A block device for the test: every request served after 20 us; a volatile write cache, FUA if asked. */
    static final class CachedDisk implements BlockDevice {
        private final String name;
        private final DeviceLimits limits;
        private DeviceHost host;

        CachedDisk(String name, boolean writeCache, boolean fua) {
            this.name = name;
            this.limits = DeviceLimits.builder((8L << 30) >> 9).physicalBlockSize(4096).queueDepth(32)
                    .maxHwSectors(2560).volatileWriteCache(writeCache).fua(fua).build();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeviceLimits limits() {
            return limits;
        }

        @Override
        public void attach(DeviceHost host) {
            this.host = host;
        }

        @Override
        public void submit(Request rq) {
            rq.devMediaNs = 20_000;
            host.sim().after(20_000, () -> host.complete(rq));
        }
    }

    /** A faulty path to {@code inner}: everything passes but what {@code fault} breaks. */
    static final class FaultyPath implements BlockTarget {
        private final Simulator sim;
        private final BlockTarget inner;
        private final Fault fault;

        FaultyPath(Simulator sim, BlockTarget inner, Fault fault) {
            this.sim = sim;
            this.inner = inner;
            this.fault = fault;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long capacitySectors() {
            return inner.capacitySectors();
        }

        @Override
        public QueueLimits limits() {
            return inner.limits();
        }

        @Override
        public int readAheadPages() {
            return inner.readAheadPages();
        }

        @Override
        public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
            return inner.whenRequestsAllocated(owner, then);
        }

        @Override
        public long stableVersion(long sector) {
            return inner.stableVersion(sector);
        }

        @Override
        public String unstableCopies(long sector, long version) {
            return inner.unstableCopies(sector, version);
        }

        @Override
        public void submitBio(Bio bio) {
            boolean flush = bio.has(Bio.PREFLUSH);
            if ((fault == Fault.DROP_FLUSHES || fault == Fault.DROP_FLUSHES_AND_FUA) && flush) {
                bio.flags &= ~Bio.PREFLUSH;
                if (bio.nrSectors == 0) {
                    endNow(bio); // an empty flush acknowledged, never sent
                    return;
                }
            }
            if (fault == Fault.STRIP_FUA || fault == Fault.DROP_FLUSHES_AND_FUA) {
                bio.flags &= ~Bio.FUA;
            }
            if (fault == Fault.DROP_WRITES && bio.op == Op.WRITE && bio.nrSectors > 0) {
                endNow(bio);
                return;
            }
            inner.submitBio(bio);
        }

        private void endNow(Bio bio) {
            bio.tDispatched = sim.now();
            bio.tCompleted = sim.now();
            bio.endIo.endIo(bio);
        }
    }

    /** A checked machine of {@code disks} (name: has a write cache) with the file system on what {@code top} makes of them. */
    static final class Machine {
        final Simulator sim = new Simulator();
        final Invariants inv = new Invariants();
        final Cpus cpus;
        final Kernel kernel;
        final FileSystem fs;
        final List<BlockQueue> queues = new ArrayList<>();

        Machine(boolean fua, int disks, BiFunction<Simulator, List<BlockTarget>, BlockTarget> top) {
            this(fua, disks, "raw", top);
        }

        Machine(boolean fua, int disks, String fsType, BiFunction<Simulator, List<BlockTarget>, BlockTarget> top) {
            sim.checkInvariants(inv);
            RandomStreams random = new RandomStreams(1);
            cpus = new Cpus(sim, 2, CostModel.defaults());
            List<BlockTarget> targets = new ArrayList<>();
            for (int i = 0; i < disks; i++) {
                BlockQueue q = new BlockQueue(sim, random, new CachedDisk("sd" + (char) ('a' + i), true, fua), cpus,
                        new QueueSettings("none", 0, 0, 0, 128, true), new NoneScheduler());
                queues.add(q);
                targets.add(q);
            }
            ConfigNode fsNode = ConfigNode.emptyRoot("test");
            fsNode.set("type", fsType, Origin.flag("test"));
            fs = new FileSystem(top.apply(sim, targets), fsNode, random.stream("fs"));
            ConfigNode vm = ConfigNode.emptyRoot("test");
            vm.set("memory", "1g", Origin.flag("test"));
            kernel = new Kernel(sim, cpus, fs, VmSettings.from(vm, true));
        }

        /** Runs {@code body} on a task with file "f" (1 MiB, opened with {@code flags}) to the end of the simulation. */
        void run(int flags, BiConsumer<Task, OpenFile> body) {
            Task t = cpus.newTask("t");
            t.start(() -> kernel.open(t, "f", flags, MIB, f -> body.accept(t, f)));
            sim.run();
        }

        Invariants.Rule rule(String name) {
            return inv.rules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        }

        String messages() {
            return String.join("\n", inv.messages());
        }
    }

    private static BlockTarget raid1(Simulator sim, List<BlockTarget> disks, Fault onSecond) {
        ConfigNode md = ConfigNode.emptyRoot("test");
        md.set("level", "1", Origin.flag("test"));
        return Md.build(sim, "md0", md, List.of(disks.get(0), new FaultyPath(sim, disks.get(1), onSecond)));
    }

    /** Buffered 256 KiB then fsync: the data must be on stable media on both mirrors when fsync returns. */
    private static Machine bufferedWriteFsyncOnRaid1(Fault fault) {
        Machine[] m = new Machine[1];
        m[0] = new Machine(false, 2, (sim, d) -> raid1(sim, d, fault));
        m[0].run(0, (t, f) -> m[0].kernel.pwrite(t, f, 0, 256 << 10, 0,
                (r, w) -> m[0].kernel.fsync(t, f, rr -> t.exit())));
        return m[0];
    }

    @Test
    void fsyncOnARaid1WhoseFlushMissesOneMirrorIsCaughtNamingThatMirror() {
        Machine ok = bufferedWriteFsyncOnRaid1(Fault.NONE);
        assertThat(ok.inv.violations()).as(ok.messages()).isZero();
        assertThat(ok.rule("fs.sync-on-stable-media").checked()).isEqualTo(64); // 256 KiB = 64 pages, each checked once

        Machine bad = bufferedWriteFsyncOnRaid1(Fault.DROP_FLUSHES);
        Invariants.Rule r = bad.rule("fs.sync-on-stable-media");
        assertThat(r.violations()).isEqualTo(64);
        assertThat(bad.messages()).contains("fs.sync-on-stable-media: at 0.").contains("fsync of f returned with page 0")
                .contains("sdb sector").doesNotContain("sda sector");
        // the page cache's own rule sees the flush sdb's queue never got only through the top device: md0 is not a queue
        assertThat(bad.rule("fs.no-stale-read").violations()).isZero();
    }

    /** An md array of {@code level} with 4 KiB chunks over {@code disks}, the last one behind {@code fault}. */
    private static BlockTarget mdOver(Simulator sim, List<BlockTarget> disks, String level, Fault fault) {
        ConfigNode md = ConfigNode.emptyRoot("test");
        md.set("level", level, Origin.flag("test"));
        md.set("chunk", "4k", Origin.flag("test"));
        List<BlockTarget> members = new ArrayList<>(disks);
        members.set(members.size() - 1, new FaultyPath(sim, disks.get(disks.size() - 1), fault));
        return Md.build(sim, "md0", md, members);
    }

    @Test
    void everyStripedOrMirroredLayoutHoldsWithItsFlushesAndIsCaughtWithoutTheLastMembers() {
        // level, disks, pages of the 64 written whose copy on the last member misses its flush
        Object[][] layouts = {{"0", 2, 32}, {"10", 4, 32}, {"1", 3, 64}};
        for (Object[] l : layouts) {
            for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES}) {
                Machine[] m = new Machine[1];
                m[0] = new Machine(false, (int) l[1], (sim, d) -> mdOver(sim, d, (String) l[0], fault));
                m[0].run(0, (t, f) -> m[0].kernel.pwrite(t, f, 0, 256 << 10, 0,
                        (r, w) -> m[0].kernel.fsync(t, f, rr -> t.exit())));
                Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
                String what = "RAID-" + l[0] + " " + fault + ": " + m[0].messages();
                assertThat(r.checked()).as(what).isEqualTo(64);
                assertThat(r.violations()).as(what).isEqualTo(fault == Fault.NONE ? 0 : (int) l[2]);
                if (fault != Fault.NONE) {
                    String last = "sd" + (char) ('a' + (int) l[1] - 1);
                    assertThat(m[0].messages()).as(what).contains(last + " sector");
                }
            }
        }
    }

    /**
     * Buffered 64 KiB, fsync, the cache dropped, the 64 KiB read back through md RAID-5 or RAID-6
     * with 4 KiB chunks, whose last member loses its writes: each page whose data lives on that
     * member reads back stale. drivers/md/raid5.c's chunk-aligned read takes each page from the
     * member raid5_compute_sector names; with md's default left-symmetric layout (md(4)) and
     * stripes of 4 KiB pages, stripe r's parity is on member (data disks - r mod disks) for
     * RAID-5, P on (disks - 1 - r mod disks) and Q after it for RAID-6, the data following them.
     * The file starts at array sector 2048, page 256: stripes 128 to 135 of 2 data pages. RAID-5
     * on 3 disks puts data page dd of stripe r (mod 3) on member dd - r (mod 3), so 5 pages on the
     * third (stripes 128, 130, 131, 133, 134); RAID-6 on 4 disks on member 1 - r + dd (mod 4), so
     * 4 on the fourth (stripes 130, 131, 134, 135). Without the fault every read sees its write.
     */
    @Test
    void aRaid5Or6MemberThatLosesWritesIsCaughtAsAStaleRead() {
        Object[][] layouts = {{"5", 3, 5}, {"6", 4, 4}};
        for (Object[] l : layouts) {
            for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_WRITES}) {
                Machine[] m = new Machine[1];
                m[0] = new Machine(false, (int) l[1], (sim, d) -> mdOver(sim, d, (String) l[0], fault));
                Kernel k = m[0].kernel;
                m[0].run(0, (t, f) -> k.pwrite(t, f, 0, 64 << 10, 0, (r, w) -> k.fsync(t, f,
                        rr -> k.fadvise(t, f, 0, 0, Kernel.Advice.DONTNEED,
                                r3 -> k.pread(t, f, 0, 64 << 10, 0, (r4, w4) -> t.exit())))));
                Invariants.Rule r = m[0].rule("fs.no-stale-read");
                String what = "RAID-" + l[0] + " " + fault + ": " + m[0].messages();
                assertThat(r.checked()).as(what).isGreaterThanOrEqualTo(16);
                assertThat(r.violations()).as(what).isEqualTo(fault == Fault.NONE ? 0 : (int) l[2]);
                if (fault != Fault.NONE) {
                    assertThat(m[0].messages()).as(what).contains("into the page cache from md0 sector")
                            .contains("got version 0");
                } else {
                    assertThat(m[0].inv.violations()).as(what).isZero();
                }
            }
        }
    }

    /**
     * A degraded array (mdadm --create with {@code missing}: the listed slots have no device)
     * with 4 KiB chunks, {@code disks} present and the second behind {@code fault}.
     */
    private static BlockTarget degraded(Simulator sim, List<BlockTarget> disks, String level, int slots, Fault fault) {
        ConfigNode md = ConfigNode.emptyRoot("test");
        md.set("level", level, Origin.flag("test"));
        md.set("chunk", "4k", Origin.flag("test"));
        md.set("stripe_cache_size", "17", Origin.flag("test"));
        List<BlockTarget> members = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            members.add(i < disks.size() ? (i == 1 ? new FaultyPath(sim, disks.get(i), fault) : disks.get(i)) : null);
        }
        return Md.build(sim, "md0", md, members);
    }

    /**
     * Reads of a degraded RAID-5 (3 slots, the third missing) and RAID-6 (4 slots, the last two
     * missing) reconstruct the missing members' pages from parity and the other data
     * (drivers/md/raid5.c fetch_block, ops_run_compute5/6) once the stripe cache (17 stripes)
     * no longer holds them: 64 KiB written, then 256 KiB elsewhere, fsync, the page cache dropped,
     * the 64 KiB read back. With every member sound all 16 pages read back at their versions, the
     * reconstructed ones included. With the second member losing its writes, what it holds reads
     * stale, and so does every page computed with it (its data or its parity in the sum). The file
     * starts at stripe 128. RAID-5 (stripe r mod 3: parity on 2 - r, data page dd on dd - r):
     * r = 0 loses the second member's page (3 stripes), r = 1 the missing page, computed with the
     * parity the second member lost (2 stripes), r = 2 both pages (3 stripes): 11. RAID-6 (r mod
     * 4: P on 3 - r, Q after it, data page dd on 1 - r + dd): r = 0 both pages (the missing one
     * from Q and the lost one), r = 1 the lost page, r = 2 the missing page (from the lost P),
     * r = 3 both missing pages (P and Q disagree), twice: 12.
     */
    @Test
    void degradedReadsReconstructFromParityAndALostMemberWriteShowsInThem() {
        Object[][] cases = {{"5", 2, 3, 11}, {"6", 2, 4, 12}};
        for (Object[] c : cases) {
            for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_WRITES}) {
                Machine[] m = new Machine[1];
                m[0] = new Machine(false, (int) c[1], (sim, d) -> degraded(sim, d, (String) c[0], (int) c[2], fault));
                Kernel k = m[0].kernel;
                m[0].run(0, (t, f) -> k.pwrite(t, f, 0, 64 << 10, 0, (r, w) -> k.pwrite(t, f, 512 << 10, 256 << 10, 0,
                        (r1, w1) -> k.fsync(t, f, rr -> k.fadvise(t, f, 0, 0, Kernel.Advice.DONTNEED,
                                r3 -> k.pread(t, f, 0, 64 << 10, 0, (r4, w4) -> t.exit()))))));
                Invariants.Rule r = m[0].rule("fs.no-stale-read");
                String what = "degraded RAID-" + c[0] + " " + fault + ": " + m[0].messages();
                if (fault == Fault.NONE) {
                    // each of the 16 pages checked as read from md0 and again as copied to the user: the
                    // reconstructed ones too (a page whose content were not followed would not be)
                    assertThat(r.checked()).as(what).isEqualTo(32);
                    assertThat(m[0].inv.violations()).as(what).isZero();
                } else {
                    assertThat(r.violations()).as(what).isEqualTo((int) c[3]);
                }
            }
        }
    }

    /**
     * Buffered 144 KiB then fsync on RAID-5 over 4 disks (4 KiB chunks) whose last member's
     * flushes are dropped: the 36 pages, from array page 256, are data pages 1-2 of stripe 85,
     * stripes 86-96 whole and page 0 of stripe 97 (3 data pages a stripe). Left-symmetric puts
     * data page dd of stripe r (mod 4) on member dd - r - 1 (mod 4): one page on the fourth member
     * in each of the 8 whole stripes with r != 0 and in stripe 97 (dd 0, r 1), none in stripe
     * 85's pages, so 9 pages are not on stable media when fsync returns, each named with that
     * member. The stripe cache's member writes carry the pages' versions.
     */
    @Test
    void fsyncOnARaid5WhoseFlushMissesOneMemberIsCaughtForThePagesOnIt() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(false, 4, (sim, d) -> mdOver(sim, d, "5", fault));
            m[0].run(0, (t, f) -> m[0].kernel.pwrite(t, f, 0, 144 << 10, 0,
                    (r, w) -> m[0].kernel.fsync(t, f, rr -> t.exit())));
            Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
            String what = fault + ": " + m[0].messages();
            assertThat(r.checked()).as(what).isEqualTo(36);
            assertThat(r.violations()).as(what).isEqualTo(fault == Fault.NONE ? 0 : 9);
            if (fault != Fault.NONE) {
                assertThat(m[0].messages()).contains("sdd sector").doesNotContain("sda sector");
            }
        }
    }

    @Test
    void fdatasyncThroughDmLinearWhoseFlushIsDroppedIsCaught() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(false, 2, (sim, d) -> {
                // the file system's first blocks are on sdb: dm0 starts with it
                ConfigNode dm = ConfigNode.emptyRoot("test");
                dm.set("table", "0 1048576 linear sdb 0\n1048576 1048576 linear sda 0", Origin.flag("test"));
                return Dm.build(sim, "dm0", dm, List.of(new FaultyPath(sim, d.get(1), fault), d.get(0)));
            });
            m[0].run(0, (t, f) -> m[0].kernel.pwrite(t, f, 0, 64 << 10, 0,
                    (r, w) -> m[0].kernel.fdatasync(t, f, rr -> t.exit())));
            Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
            assertThat(r.checked()).isEqualTo(16);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 16);
        }
    }

    @Test
    void directWritesThenFsyncNeedTheFlushToo() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(false, 1, (sim, d) -> new FaultyPath(sim, d.get(0), fault));
            m[0].run(OpenFile.O_DIRECT, (t, f) -> m[0].kernel.pwrite(t, f, 0, 128 << 10, 4096,
                    (r, w) -> m[0].kernel.fsync(t, f, rr -> t.exit())));
            Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
            assertThat(r.checked()).isEqualTo(32);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 32);
        }
    }

    @Test
    void storesToASharedMappingAreOnStableMediaWhenMsyncReturns() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(false, 1, (sim, d) -> new FaultyPath(sim, d.get(0), fault));
            Kernel k = m[0].kernel;
            m[0].run(0, (t, f) -> k.mmap(t, f, 0, 64 << 10, true, true, map -> k.touch(t, map, 0, 64 << 10, true,
                    b -> k.msync(t, map, true, r -> t.exit()))));
            Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
            assertThat(r.checked()).as(m[0].messages()).isEqualTo(16);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 16);
            if (fault != Fault.NONE) {
                assertThat(m[0].messages()).contains("a ranged sync (O_SYNC write, msync) of f returned with page 0");
            }
        }
    }

    @Test
    void anODsyncDirectWriteOnAFuaDeviceMustReachItWithFua() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.STRIP_FUA}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(true, 1, (sim, d) -> new FaultyPath(sim, d.get(0), fault));
            // iomap's write-through: an overwrite inside i_size goes out REQ_FUA and no sync follows
            m[0].run(OpenFile.O_DIRECT | OpenFile.O_DSYNC, (t, f) -> m[0].kernel.pwrite(t, f, 0, 64 << 10, 4096,
                    (r, w) -> t.exit()));
            Invariants.Rule r = m[0].rule("fs.sync-on-stable-media");
            assertThat(r.checked()).isEqualTo(16);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 16);
            if (fault != Fault.NONE) {
                assertThat(m[0].messages()).contains("an O_DSYNC direct write (FUA) of f returned with page 0 (sda sector");
            }
        }
    }

    @Test
    void aLostWriteIsSeenAsStaleDataOnceTheCacheIsDropped() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_WRITES}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(false, 1, (sim, d) -> new FaultyPath(sim, d.get(0), fault));
            Kernel k = m[0].kernel;
            m[0].run(0, (t, f) -> k.pwrite(t, f, 0, 64 << 10, 0, (r, w) -> k.fsync(t, f,
                    rr -> k.fadvise(t, f, 0, 0, Kernel.Advice.DONTNEED,
                            r3 -> k.pread(t, f, 0, 64 << 10, 0, (r4, w4) -> t.exit())))));
            Invariants.Rule r = m[0].rule("fs.no-stale-read");
            assertThat(r.checked()).isGreaterThanOrEqualTo(16);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 16);
            if (fault != Fault.NONE) {
                assertThat(m[0].messages()).contains("a read of page 0 of f into the page cache from sda sector")
                        .contains("got version 0");
            }
        }
    }

    @Test
    void fsyncOnExt4NeedsItsJournalCommitOnStableMedia() {
        for (Fault fault : new Fault[] {Fault.NONE, Fault.DROP_FLUSHES_AND_FUA}) {
            Machine[] m = new Machine[1];
            m[0] = new Machine(true, 1, "ext4", (sim, d) -> new FaultyPath(sim, d.get(0), fault));
            Kernel k = m[0].kernel;
            // a write that changed the inode (ext4_mark_inode_dirty + ext4_update_inode_fsync_trans, as
            // ext4 does in the same handle): fsync must see that transaction committed, on stable media
            m[0].run(0, (t, f) -> k.pwrite(t, f, 0, 64 << 10, 0, (r, w) -> {
                MetadataJournal.Handle h = k.journal().start();
                h.dirtyMetadata(1);
                h.updateInodeFsyncTrans(f.file(), false);
                h.stop();
                k.fsync(t, f, rr -> t.exit());
            }));
            Invariants.Rule r = m[0].rule("fs.fsync-journal-stable");
            assertThat(r.checked()).as(m[0].messages()).isEqualTo(1);
            assertThat(r.violations()).as(fault + ": " + m[0].messages()).isEqualTo(fault == Fault.NONE ? 0 : 1);
            if (fault != Fault.NONE) {
                assertThat(m[0].messages()).contains("fs.fsync-journal-stable: at 0.").contains("fsync of f returned with transaction");
            } else {
                assertThat(m[0].inv.violations()).as(m[0].messages()).isZero();
            }
        }
    }

    @Test
    void aDirectReadAfterBufferedWritesSeesThemThroughTheWriteAndWait() {
        Machine m = new Machine(false, 1, (sim, d) -> d.get(0));
        Kernel k = m.kernel;
        m.run(0, (t, f) -> k.pwrite(t, f, 0, 64 << 10, 0,
                (r, w) -> k.open(t, "f", OpenFile.O_DIRECT, MIB,
                        g -> k.pread(t, g, 0, 64 << 10, 4096, (r2, w2) -> t.exit()))));
        Invariants.Rule r = m.rule("fs.no-stale-read");
        assertThat(r.checked()).isEqualTo(16);
        assertThat(r.violations()).as(m.messages()).isZero();
    }
}
