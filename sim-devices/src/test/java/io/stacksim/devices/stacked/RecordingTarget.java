package io.stacksim.devices.stacked;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.QueueLimits;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;
import java.util.List;

/** A member for tests: records every bio it gets and ends each {@code latencyNs} later. */
public final class RecordingTarget implements BlockTarget {
    private final Simulator sim;
    private final String name;
    private final long capacity;
    private final long latencyNs;
    private final boolean rotational;
    /** Every bio submitted, in order. */
    public final List<Bio> bios = new ArrayList<>();
    /** Bios submitted and not yet ended. */
    public int inFlight;
    /** Takes discards (max_discard_sectors UINT_MAX >> 9, 4 KiB granularity, one range). */
    private boolean discard;

    /** This member takes discards. */
    public RecordingTarget withDiscard() {
        this.discard = true;
        return this;
    }

    public RecordingTarget(Simulator sim, String name, long capacitySectors, long latencyNs) {
        this(sim, name, capacitySectors, latencyNs, false);
    }

    public RecordingTarget(Simulator sim, String name, long capacitySectors, long latencyNs, boolean rotational) {
        this.sim = sim;
        this.name = name;
        this.capacity = capacitySectors;
        this.latencyNs = latencyNs;
        this.rotational = rotational;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long capacitySectors() {
        return capacity;
    }

    @Override
    public QueueLimits limits() {
        QueueLimits l = new QueueLimits(512, 4096, 2560, 2560, 128, 1 << 20, false, false, rotational);
        return discard ? l.withDiscard(0xffffffffL >>> 9, 4096, 1) : l;
    }

    @Override
    public int readAheadPages() {
        return 32;
    }

    @Override
    public void submitBio(Bio bio) {
        if (bio.endSector() > capacity) {
            throw new IllegalArgumentException("beyond " + name + ": " + bio);
        }
        bios.add(bio);
        inFlight++;
        sim.after(latencyNs, () -> {
            inFlight--;
            bio.tDispatched = sim.now() - latencyNs;
            bio.tCompleted = sim.now();
            bio.endIo.endIo(bio);
        });
    }

    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        return false;
    }

    /** Sectors written to (or read from) this member, for the op. */
    public long sectors(io.stacksim.block.Op op) {
        return bios.stream().filter(b -> b.op == op).mapToLong(b -> b.nrSectors).sum();
    }

    public long count(io.stacksim.block.Op op) {
        return bios.stream().filter(b -> b.op == op && b.nrSectors > 0).count();
    }
}
