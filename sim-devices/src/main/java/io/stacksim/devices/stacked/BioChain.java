package io.stacksim.devices.stacked;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.DiskStats;
import io.stacksim.engine.Simulator;

/**
 * A bio that ends when all the bios made from it have ended: {@code bio_chain} and
 * {@code bio_inc_remaining} (block/bio.c). It holds one reference of its own, dropped by
 * {@link #put}, so pieces that end while it is still handing them out do not end it early.
 * The parent ends with the timing of the piece that ended last (its dispatch, completion and
 * device-side split, for the latency breakdown) and the first error of any piece. With a
 * {@link DiskStats} it is also accounted there from creation to end, as md_account_bio and
 * dm's dm_start_io_acct account each bio of a bio-based device.
 */
public final class BioChain implements BioEndIo {
    private final Simulator sim;
    private final Bio parent;
    private final BioChain up;
    private final DiskStats stats;
    private final long start;
    private int remaining = 1;
    private Bio last;
    private int error;
    private final io.stacksim.block.Op op;
    private final int sectors;
    /** A part's first sector in the device's own sectors (-1 for a whole bio's chain): where its children's data starts in the parent. */
    private long from = -1;

    private BioChain(Simulator sim, Bio parent, BioChain up, DiskStats stats, io.stacksim.block.Op op, int sectors) {
        this.op = op;
        this.sim = sim;
        this.parent = parent;
        this.up = up;
        this.stats = stats;
        this.sectors = sectors;
        this.start = sim.now();
        if (stats != null) {
            stats.start(start);
        }
        if (up != null) {
            up.remaining++;
        }
    }

    /** The chain that ends {@code bio} (not accounted). */
    public static BioChain of(Simulator sim, Bio bio) {
        return new BioChain(sim, bio, null, null, bio.op, bio.nrSectors);
    }

    /**
     * A part of this chain of {@code sectors}, accounted in {@code stats} (null: not accounted):
     * a piece the device's own split made (md_account_bio after bio_split), from sector
     * {@code from} of the device (so that --check's data shadow follows the piece to its members).
     */
    public BioChain part(DiskStats stats, io.stacksim.block.Op op, int sectors, long from) {
        BioChain p = new BioChain(sim, null, this, stats, op, sectors);
        p.from = from;
        return p;
    }

    /** A bio to a member that ends a part of this chain when it ends. */
    public Bio child(long sector, int nrSectors, io.stacksim.block.Op op, int flags, Bio like) {
        remaining++;
        return shadowed(new Bio(sector, nrSectors, op, flags, like.ioprio, like.owner, this), like);
    }

    /** A member bio carries the part of {@code like}'s data shadow that its piece covers (--check). */
    private Bio shadowed(Bio child, Bio like) {
        if (from >= 0 && nrData(child)) {
            io.stacksim.block.DataShadow.inherit(like, child, from);
        }
        return child;
    }

    private static boolean nrData(Bio b) {
        return b.nrSectors > 0;
    }

    /**
     * As {@link #child(long, int, io.stacksim.block.Op, int, Bio)}, running {@code first} (the
     * driver's own end_io work: pending counts, head positions) when it ends, before the chain
     * counts it.
     */
    public Bio child(long sector, int nrSectors, io.stacksim.block.Op op, int flags, Bio like,
                     java.util.function.Consumer<Bio> first) {
        remaining++;
        return shadowed(new Bio(sector, nrSectors, op, flags, like.ioprio, like.owner, b -> {
            first.accept(b);
            endIo(b);
        }), like);
    }

    /** Drops the chain's own reference: it ends once its pieces have. */
    public void put() {
        if (--remaining == 0) {
            finish();
        }
    }

    @Override
    public void endIo(Bio piece) {
        if (piece.error != 0 && error == 0) {
            error = piece.error;
        }
        last = piece;
        if (--remaining == 0) {
            finish();
        }
    }

    private void partEnded(BioChain part) {
        if (part.error != 0 && error == 0) {
            error = part.error;
        }
        if (part.last != null) {
            last = part.last;
        }
        if (--remaining == 0) {
            finish();
        }
    }

    private void finish() {
        long now = sim.now();
        if (stats != null) {
            stats.done(op, sectors, start, now);
        }
        if (up != null) {
            up.partEnded(this);
            return;
        }
        if (last != null) {
            parent.tDispatched = last.tDispatched;
            parent.tCompleted = last.tCompleted;
            parent.devQueueNs = last.devQueueNs;
            parent.devMediaNs = last.devMediaNs;
            parent.devTransferNs = last.devTransferNs;
        } else {
            parent.tDispatched = now;
            parent.tCompleted = now;
        }
        parent.error = error;
        parent.endIo.endIo(parent);
    }
}
