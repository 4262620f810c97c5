package io.stacksim.devices.md;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.Op;
import io.stacksim.devices.stacked.BioChain;
import io.stacksim.engine.Simulator;
import java.util.List;

/**
 * md RAID-1 (drivers/md/raid1.c): every member holds the whole array. A write goes to every
 * mirror (raid1_write_request); a read to one, chosen by read_balance: a mirror that the read
 * continues sequentially keeps it (is_sequential), else, if any mirror is non-rotational or
 * one is idle, the mirror with the fewest requests pending, else the one whose head is
 * closest (choose_best_rdev). Bios are cut at the 64 MiB barrier units
 * (align_to_barrier_unit_end). No resync runs, so no read is forced to the first mirror.
 */
final class Raid1 extends MdDevice {
    /** BARRIER_UNIT_SECTOR_SIZE (raid1-10.c): 64 MiB. */
    static final long BARRIER_UNIT_SECTORS = 1L << 17;
    /** MaxSector. */
    static final long MAX_SECTOR = Long.MAX_VALUE;

    /** struct raid1_info's reading state for one mirror. */
    static final class Mirror {
        /** rdev->nr_pending: bios issued to it and not ended. */
        int pending;
        /** head_position: where its last completed I/O ended (update_head_pos). */
        long headPosition;
        /** next_seq_sect and seq_start (update_read_sectors). */
        long nextSeqSect;
        long seqStart = MAX_SECTOR;
        final boolean nonrot;
        /** bdev_io_opt of the member, in sectors. */
        final long optIoSectors;
        long reads;

        Mirror(boolean nonrot, long optIoSectors) {
            this.nonrot = nonrot;
            this.optIoSectors = optIoSectors;
        }
    }

    private final Mirror[] mirrors;
    private final boolean nonrotDisks;

    Raid1(Simulator sim, String name, List<BlockTarget> members, MdGeometry g) {
        super(sim, name, members, g, smallest(g), 0, 0);
        this.mirrors = new Mirror[members.size()];
        boolean nonrot = false;
        for (int i = 0; i < mirrors.length; i++) {
            boolean nr = !members.get(i).limits().rotational();
            mirrors[i] = new Mirror(nr, 0);
            nonrot |= nr;
        }
        this.nonrotDisks = nonrot;
    }

    /** raid1_size: the smallest member. */
    private static long smallest(MdGeometry g) {
        long m = Long.MAX_VALUE;
        for (long s : g.memberSectors()) {
            m = Math.min(m, s);
        }
        return m;
    }

    Mirror mirror(int i) {
        return mirrors[i];
    }

    @Override
    protected long boundary(long sector, Op op) {
        return BARRIER_UNIT_SECTORS - sector % BARRIER_UNIT_SECTORS;
    }

    @Override
    protected void writeCopies(long sector, CopySink sink) {
        for (int d = 0; d < mirrors.length; d++) {
            sink.copy(d, sector + dataOffset(d));
        }
    }

    @Override
    protected void map(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        if (bio.op == Op.READ) {
            int d = readBalance(sector, nrSectors);
            mirrors[d].reads++;
            submit(d, bio, sector, nrSectors, flags, part);
        } else {
            for (int d = 0; d < mirrors.length; d++) {
                mirrors[d].pending++;
                submit(d, bio, sector, nrSectors, flags, part);
            }
        }
    }

    private void submit(int d, Bio bio, long sector, int n, int flags, BioChain part) {
        members.get(d).submitBio(part.child(sector + dataOffset(d), n, bio.op, flags, bio, b -> {
            Mirror m = mirrors[d];
            m.pending--;
            m.headPosition = sector + n; // update_head_pos: the r1_bio's end, in array sectors
        }));
    }

    /** read_balance with no resync and no bad blocks: choose_best_rdev, then update_read_sectors. */
    int readBalance(long sector, int sectors) {
        int d = chooseBest(sector);
        Mirror m = mirrors[d];
        m.pending++;
        if (m.nextSeqSect != sector) {
            m.seqStart = sector;
        }
        m.nextSeqSect = sector + sectors;
        return d;
    }

    private int chooseBest(long sector) {
        int minPendingDisk = -1;
        int closestDistDisk = -1;
        int sequentialDisk = -1;
        long minPending = Long.MAX_VALUE;
        long closestDist = MAX_SECTOR;
        for (int d = 0; d < mirrors.length; d++) {
            Mirror m = mirrors[d];
            long pending = m.pending;
            long dist = Math.abs(sector - m.headPosition);
            // Don't change to another disk for sequential reads (is_sequential, should_choose_next).
            if (m.nextSeqSect == sector || m.headPosition == sector) {
                if (!shouldChooseNext(m)) {
                    return d;
                }
                pending++; // so that an idle disk is preferred
                sequentialDisk = d;
            }
            if (minPending > pending) {
                minPending = pending;
                minPendingDisk = d;
            }
            if (closestDist > dist) {
                closestDist = dist;
                closestDistDisk = d;
            }
        }
        if (sequentialDisk != -1 && minPending != 0) {
            return sequentialDisk;
        }
        if (minPendingDisk != -1 && (nonrotDisks || minPending == 0)) {
            return minPendingDisk;
        }
        return closestDistDisk;
    }

    /** should_choose_next: a sequential read on a non-rotational mirror moves on after io_opt sectors. */
    private static boolean shouldChooseNext(Mirror m) {
        if (!m.nonrot) {
            return false;
        }
        long opt = m.optIoSectors;
        return opt > 0 && m.seqStart != MAX_SECTOR && m.nextSeqSect > opt && m.nextSeqSect - opt >= m.seqStart;
    }

    @Override
    protected void registerOwnStats(io.stacksim.engine.Stats stats, String prefix) {
        for (int d = 0; d < mirrors.length; d++) {
            int dd = d;
            stats.counter(prefix + "reads." + members.get(d).name(), () -> mirrors[dd].reads);
        }
    }
}
