package io.stacksim.devices.md;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.Op;
import io.stacksim.devices.stacked.BioChain;
import io.stacksim.engine.Simulator;
import java.util.List;

/**
 * md RAID-10 in the near layout (drivers/md/raid10.c, layout {@code nN}): each chunk is
 * written {@code N} times on consecutive devices, and the array's chunks follow one another
 * round the devices (__raid10_find_phys with far_copies 1). Bios are cut at chunk boundaries
 * (raid10_make_request); a write goes to every copy, a read to one copy chosen by
 * read_balance: with a non-rotational member the copy whose device has the fewest requests
 * pending, else the closest head (an idle device counting as distance 0).
 */
final class Raid10 extends MdDevice {
    private final int chunkSectors;
    private final int nearCopies;
    private final int raidDisks;
    private final int[] pending;
    private final long[] headPosition;
    private final boolean[] nonrot;

    /** One copy of an array sector: device and sector on it (before data_offset). */
    record Copy(int device, long sector) {
    }

    Raid10(Simulator sim, String name, List<BlockTarget> members, MdGeometry g, int nearCopies) {
        super(sim, name, members, g, size(g, members.size(), nearCopies), 0,
                (long) g.chunkSectors() * 512 * (members.size() / nearCopies));
        this.chunkSectors = g.chunkSectors();
        this.nearCopies = nearCopies;
        this.raidDisks = members.size();
        this.pending = new int[raidDisks];
        this.headPosition = new long[raidDisks];
        this.nonrot = new boolean[raidDisks];
        for (int i = 0; i < raidDisks; i++) {
            nonrot[i] = !members.get(i).limits().rotational();
        }
    }

    /** raid10_size: whole chunks of the smallest member, times the devices, over the copies. */
    static long size(MdGeometry g, int raidDisks, int nearCopies) {
        long chunks = g.smallestMemberSectors() / g.chunkSectors();
        return chunks * raidDisks / nearCopies * g.chunkSectors();
    }

    /** __raid10_find_phys (near layout): the copies of {@code sector}, in slot order. */
    Copy[] copies(long sector) {
        long chunk = sector / chunkSectors * nearCopies;
        long inChunk = sector % chunkSectors;
        int dev = (int) (chunk % raidDisks);
        long s = inChunk + chunk / raidDisks * chunkSectors;
        Copy[] out = new Copy[nearCopies];
        for (int n = 0; n < nearCopies; n++) {
            out[n] = new Copy(dev, s);
            dev++;
            if (dev >= raidDisks) {
                dev = 0;
                s += chunkSectors;
            }
        }
        return out;
    }

    @Override
    protected long boundary(long sector, Op op) {
        return nearCopies < raidDisks ? chunkSectors - sector % chunkSectors : Long.MAX_VALUE;
    }

    @Override
    protected void writeCopies(long sector, CopySink sink) {
        for (Copy c : copies(sector)) {
            sink.copy(c.device(), c.sector() + dataOffset(c.device()));
        }
    }

    @Override
    protected void map(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        Copy[] copies = copies(sector);
        if (bio.op == Op.READ) {
            submit(copies[readBalance(copies)], bio, nrSectors, flags, part);
        } else {
            for (Copy c : copies) {
                submit(c, bio, nrSectors, flags, part);
            }
        }
    }

    private void submit(Copy c, Bio bio, int n, int flags, BioChain part) {
        int d = c.device();
        pending[d]++;
        members.get(d).submitBio(part.child(c.sector() + dataOffset(d), n, bio.op, flags, bio, b -> {
            pending[d]--;
            headPosition[d] = c.sector() + n; // update_head_pos: the copy's end
        }));
    }

    /** read_balance with no resync and no bad blocks: the slot to read. */
    int readBalance(Copy[] copies) {
        int bestDistSlot = -1;
        int bestPendingSlot = -1;
        long bestDist = Long.MAX_VALUE;
        long minPending = Long.MAX_VALUE;
        boolean hasNonrot = false;
        for (int slot = 0; slot < copies.length; slot++) {
            int d = copies[slot].device();
            hasNonrot |= nonrot[d];
            int p = pending[d];
            if (minPending > p && nonrot[d]) {
                minPending = p;
                bestPendingSlot = slot;
            }
            // "This optimisation is debatable ...": near copies, an idle device is as good as a seek-free one.
            long dist = nearCopies > 1 && p == 0 ? 0 : Math.abs(copies[slot].sector() - headPosition[d]);
            if (dist < bestDist) {
                bestDist = dist;
                bestDistSlot = slot;
            }
        }
        return hasNonrot ? bestPendingSlot : bestDistSlot;
    }
}
