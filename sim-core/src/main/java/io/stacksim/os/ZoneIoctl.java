package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.BlkZone;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.ZonedLimits;
import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import java.util.List;
import java.util.function.Consumer;

/**
 * The zoned block device ioctls on a device node (block/blk-zoned.c blkdev_report_zones_ioctl and
 * blkdev_zone_mgmt_ioctl): BLKREPORTZONE, and BLKRESETZONE, BLKOPENZONE, BLKCLOSEZONE and
 * BLKFINISHZONE over a range of zones ({@code blkdev_zone_mgmt}: one bio per zone, chained and
 * submitted in order, the caller waiting for the last; a reset of the whole device is a single
 * REQ_OP_ZONE_RESET_ALL). Each is one ioctl syscall; the task sleeps until its bios complete.
 */
public final class ZoneIoctl {
    private final Kernel kernel;

    public ZoneIoctl(Kernel kernel) {
        this.kernel = kernel;
    }

    /** BLKREPORTZONE: up to {@code nrZones} zones from {@code sector}; null (ENOTTY) on a regular device. */
    public void reportZones(Task t, OpenFile f, long sector, int nrZones, Consumer<List<BlkZone>> k) {
        kernel.enter(t, Syscall.IOCTL, kernel.cost().vfsCallNs(), () -> {
            BlockTarget bdev = f.file().bdev();
            List<BlkZone> zones = bdev.zoned() == null ? null : bdev.reportZones(sector, nrZones);
            kernel.exit(t, 0, r -> k.accept(zones));
        });
    }

    /**
     * BLKRESETZONE (op {@link Op#ZONE_RESET}), BLKOPENZONE, BLKCLOSEZONE, BLKFINISHZONE over
     * [{@code sector}, {@code sector + nrSectors}): 0, or -ENOTTY on a regular device, -EINVAL
     * for a range not on zone boundaries, or the first bio's error.
     */
    public void zoneMgmt(Task t, OpenFile f, Op op, long sector, long nrSectors, Kernel.Ret k) {
        if (!op.isZoneManagement() || op == Op.ZONE_RESET_ALL) {
            throw new IllegalArgumentException("not a zone management ioctl: " + op);
        }
        kernel.enter(t, Syscall.IOCTL, kernel.cost().vfsCallNs(), () -> {
            BlockTarget bdev = f.file().bdev();
            ZonedLimits z = bdev.zoned();
            if (z == null) {
                kernel.exit(t, -ENOTTY, k);
                return;
            }
            long cap = bdev.capacitySectors();
            long end = sector + nrSectors;
            if (nrSectors <= 0 || end > cap || sector % z.zoneSectors() != 0
                    || (nrSectors % z.zoneSectors() != 0 && end != cap)) {
                kernel.exit(t, -Errno.EINVAL, k);
                return;
            }
            Wait w = new Wait(t, k);
            if (op == Op.ZONE_RESET && sector == 0 && end == cap) {
                w.remaining = 1; // blkdev_zone_reset_all
                bdev.submitBio(new Bio(0, 0, Op.ZONE_RESET_ALL, Bio.SYNC, IoPriority.NONE, t, w::ended));
            } else {
                int n = (int) ((nrSectors + z.zoneSectors() - 1) / z.zoneSectors());
                w.remaining = n;
                for (long s = sector; s < end; s += z.zoneSectors()) {
                    bdev.submitBio(new Bio(s, 0, op, Bio.SYNC, IoPriority.NONE, t, w::ended));
                }
            }
            w.block();
        });
    }

    static final int ENOTTY = 25;

    /** submit_bio_wait over a chain: the first error, the task woken by the last completion. */
    private final class Wait {
        private final Task task;
        private final Kernel.Ret k;
        int remaining;
        private int error;
        private boolean sleeping;
        private boolean finished;

        Wait(Task task, Kernel.Ret k) {
            this.task = task;
            this.k = k;
        }

        void ended(Bio bio) {
            if (bio.error != 0 && error == 0) {
                error = bio.error;
            }
            if (--remaining > 0) {
                return;
            }
            if (sleeping) {
                task.wake(() -> kernel.exit(task, error, k));
            } else {
                finished = true;
            }
        }

        void block() {
            if (finished) {
                kernel.exit(task, error, k);
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }
}
