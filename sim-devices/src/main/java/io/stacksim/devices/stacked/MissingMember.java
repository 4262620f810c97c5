package io.stacksim.devices.stacked;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.DataShadow;
import io.stacksim.block.IoOwner;
import io.stacksim.block.QueueLimits;

/**
 * The slot of an array member that is not there: mdadm's {@code missing} in the device list
 * ({@code mdadm --create --level=5 ... /dev/sdb /dev/sdc missing}), a degraded array from the
 * start. Its capacity and limits are the smallest present member's, as mdadm sizes the slot. The
 * personality never sends it data (md skips a Faulty rdev); a flush md_flush_request would send
 * to every rdev is skipped too, so one that reaches it ends at once. Nothing of it is stable.
 */
public final class MissingMember implements BlockTarget {
    private final long capacitySectors;
    private final QueueLimits limits;

    public MissingMember(long capacitySectors, QueueLimits limits) {
        this.capacitySectors = capacitySectors;
        this.limits = limits;
    }

    @Override
    public String name() {
        return "missing";
    }

    @Override
    public long capacitySectors() {
        return capacitySectors;
    }

    @Override
    public QueueLimits limits() {
        return limits;
    }

    @Override
    public int readAheadPages() {
        return BioBasedDevice.VM_READAHEAD_PAGES;
    }

    @Override
    public void submitBio(Bio bio) {
        if (bio.nrSectors == 0 && bio.has(Bio.PREFLUSH)) {
            bio.endIo.endIo(bio); // md_flush_request skips an rdev that is not there
            return;
        }
        throw new IllegalStateException("I/O to a missing array member: " + bio);
    }

    @Override
    public boolean whenRequestsAllocated(IoOwner owner, Runnable then) {
        return false;
    }

    @Override
    public long stableVersion(long sector) {
        return DataShadow.UNKNOWN;
    }
}
