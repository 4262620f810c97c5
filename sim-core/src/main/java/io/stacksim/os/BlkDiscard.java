package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;
import io.stacksim.block.QueueLimits;
import io.stacksim.fs.DataChecker;
import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.fs.VmSettings;

/**
 * The BLKDISCARD ioctl on a block device node (block/ioctl.c blk_ioctl_discard), which fio's
 * trims on a block device issue (os/os-linux.h os_trim): checked, the device's cached pages of
 * the range dropped (truncate_bdev_range), then under a plug one REQ_OP_DISCARD bio after another
 * (blk-lib.c blk_alloc_discard_bio: each ends at the next discard_granularity boundary if it
 * starts off one, else it takes up to UINT_MAX bytes rounded down to the granularity), chained;
 * the caller waits for the chain (submit_bio_wait, which marks the last bio REQ_SYNC), so the
 * plug is flushed as the task sleeps (blktrace {@code UT}). The block layer splits each bio at
 * max_discard_sectors and merges them as it merges discards. EOPNOTSUPP from the device counts
 * as success, as in submit_bio_wait's caller.
 *
 * <p>Results: 0; -ENOTTY on a file that is not a block device (ext4's ioctl does not know
 * BLKDISCARD: fio's trim of a regular file fails so, error 25); -EOPNOTSUPP when the device has
 * no discard (max_discard_sectors 0: an HDD, a zoned device); -EINVAL for a range not aligned to
 * the logical block size, empty, or past the end of the device.
 */
public final class BlkDiscard {
    static final int ENOTTY = 25;
    private static final long UINT_MAX = 0xffffffffL;

    private final Kernel kernel;

    public BlkDiscard(Kernel kernel) {
        this.kernel = kernel;
    }

    /** ioctl(fd, BLKDISCARD, {start, len}): bytes [start, start + len) of the device. */
    public void discard(Task t, OpenFile f, long start, long len, Kernel.Ret k) {
        discard(t, f, start, len, (res, last) -> k.ret(res));
    }

    /** As {@link #discard(Task, OpenFile, long, long, Kernel.Ret)}, also giving the bio that completed last (null if none). */
    public void discard(Task t, OpenFile f, long start, long len, Kernel.IoRet k) {
        kernel.enter(t, Syscall.IOCTL, kernel.cost().vfsCallNs(), () -> {
            SimFile file = f.file();
            if (!file.isBlockDevice()) {
                kernel.exit(t, -ENOTTY, null, k);
                return;
            }
            BlockTarget bdev = file.bdev();
            QueueLimits lim = bdev.limits();
            if (!lim.discardSupported()) {
                kernel.exit(t, -Errno.EOPNOTSUPP, null, k);
                return;
            }
            long mask = lim.logicalBlockSize() - 1;
            if (((start | len) & mask) != 0 || len <= 0 || start < 0 || start + len < start
                    || start + len > bdev.capacityBytes()) {
                kernel.exit(t, -Errno.EINVAL, null, k);
                return;
            }
            // truncate_bdev_range: the device's cached pages of the range go.
            long first = start >>> VmSettings.PAGE_SHIFT;
            long last = (start + len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
            kernel.pageCache().invalidate(f, first, last);
            Chain chain = new Chain(t, k, f, start, len);
            Plug plug = Plug.start(t);
            long sector = start >>> 9;
            long nr = len >>> 9;
            while (nr > 0) {
                long n = Math.min(nr, discardLimit(lim, sector));
                nr -= n;
                chain.remaining++;
                // submit_bio_wait sets REQ_SYNC on the bio it waits for: the last of the chain.
                Bio bio = new Bio(sector, (int) n, Op.DISCARD, nr == 0 ? Bio.SYNC : 0, IoPriority.NONE, t,
                        chain::ended);
                sector += n;
                bdev.submitBio(bio);
            }
            chain.put(); // the submitter's own reference, so no early completion ends the chain
            chain.block(plug);
        });
    }

    /**
     * bio_discard_limit: the sectors of the next discard bio from {@code sector}: to the next
     * discard_granularity boundary if it is not on one, else UINT_MAX bytes rounded down to
     * the granularity.
     */
    public static long discardLimit(QueueLimits lim, long sector) {
        long gran = Math.max(lim.discardGranularity() >> 9, 1);
        long aligned = (sector + gran - 1) / gran * gran;
        if (aligned != sector) {
            return aligned - sector;
        }
        long granBytes = Math.max(lim.discardGranularity(), 512);
        return (UINT_MAX - UINT_MAX % granBytes) >>> 9;
    }

    /** submit_bio_wait over the chain: the first error (EOPNOTSUPP ignored), the task woken by the last bio. */
    private final class Chain {
        private final Task task;
        private final Kernel.IoRet k;
        private final OpenFile file;
        /** The bio that completed last: the wait's own (for the caller's where-the-time-went). */
        private Bio last;
        private final long start;
        private final long len;
        /** Bios not yet ended, plus one for the submitter until it has submitted them all. */
        int remaining = 1;
        private int error;
        private boolean sleeping;
        private boolean finished;
        private Plug plug;

        Chain(Task task, Kernel.IoRet k, OpenFile file, long start, long len) {
            this.task = task;
            this.k = k;
            this.file = file;
            this.start = start;
            this.len = len;
        }

        void ended(Bio bio) {
            if (bio.error != 0 && bio.error != -Errno.EOPNOTSUPP && error == 0) {
                error = bio.error;
            }
            if (last == null || bio.tCompleted >= last.tCompleted) {
                last = bio;
            }
            put();
        }

        void put() {
            if (--remaining > 0) {
                return;
            }
            DataChecker data = kernel.pageCache().dataChecker();
            if (data != null && error == 0) {
                data.discarded(file.file(), start, len);
            }
            if (sleeping) {
                task.wake(this::done);
            } else {
                finished = true;
            }
        }

        /** Sleeps until the chain ends; the plug is flushed as the task sleeps (sched_submit_work). */
        void block(Plug plug) {
            this.plug = plug;
            if (finished) {
                done();
            } else {
                sleeping = true;
                task.sleep();
            }
        }

        private void done() {
            Plug.finish(task, plug); // blk_finish_plug: empty by now
            kernel.exit(task, error, last, k);
        }
    }
}
