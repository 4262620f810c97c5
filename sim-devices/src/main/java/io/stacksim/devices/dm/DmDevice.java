package io.stacksim.devices.dm;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.Op;
import io.stacksim.devices.stacked.BioBasedDevice;
import io.stacksim.devices.stacked.BioChain;
import io.stacksim.engine.Simulator;
import java.util.List;

/**
 * A device-mapper device (drivers/md/dm.c) with its table: dm_submit_bio splits each bio at
 * target boundaries and at the target's max_io_len (__split_and_process_bio, max_io_len), and
 * each piece is remapped by its target and accounted in the device's diskstats. A REQ_PREFLUSH
 * goes to every device of the table first; its data follows once they have flushed.
 */
final class DmDevice extends BioBasedDevice {
    private final DmTarget[] targets;

    DmDevice(Simulator sim, String name, List<BlockTarget> devices, DmTarget[] targets, long ioOptBytes) {
        super(sim, name, devices, end(targets), stackLimits(devices, 0), ioOptBytes, false, true);
        this.targets = targets.clone();
    }

    private static long end(DmTarget[] targets) {
        DmTarget last = targets[targets.length - 1];
        return last.begin() + last.len();
    }

    /** dm_table_find_target: the line holding {@code sector}. */
    DmTarget target(long sector) {
        int lo = 0;
        int hi = targets.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (targets[mid].begin() <= sector) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return targets[lo];
    }

    @Override
    protected long boundary(long sector, Op op) {
        DmTarget t = target(sector);
        long left = t.begin() + t.len() - sector;
        long m = t.maxIoLen();
        if (m > 0 && op != Op.DISCARD) { // __send_changing_extent_only: a discard is split at the target only
            left = Math.min(left, m - (sector - t.begin()) % m);
        }
        return left;
    }

    @Override
    protected void writeCopies(long sector, CopySink sink) {
        DmTarget.Place p = target(sector).map(sector);
        sink.copy(p.device(), p.sector());
    }

    @Override
    protected void map(Bio bio, long sector, int nrSectors, int flags, BioChain part) {
        if (bio.op == Op.DISCARD && target(sector) instanceof StripedTarget st) {
            // stripe_map_range: one discard per stripe, over that stripe's share of the range.
            for (int s = 0; s < st.devices().length; s++) {
                long b = st.rangeSector(sector, s);
                long e = st.rangeSector(sector + nrSectors, s);
                if (b < e) {
                    members.get(st.devices()[s]).submitBio(part.child(b + st.starts()[s], (int) (e - b), Op.DISCARD,
                            flags, bio));
                }
            }
            return;
        }
        DmTarget.Place p = target(sector).map(sector);
        members.get(p.device()).submitBio(part.child(p.sector(), nrSectors, bio.op, flags, bio));
    }

    @Override
    protected String kind() {
        return "dm";
    }
}
