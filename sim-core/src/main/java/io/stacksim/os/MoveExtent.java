package io.stacksim.os;

import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import io.stacksim.fs.SimFile;
import io.stacksim.fs.VmSettings;
import io.stacksim.fs.ext4.Ext4;

/**
 * The EXT4_IOC_MOVE_EXT ioctl (fs/ext4/ioctl.c, fs/ext4/move_extent.c ext4_move_extents), online
 * defragmentation's primitive and fio's e4defrag engine's only call: the blocks of
 * [origStart, origStart + len) of the original file and those of the donor file at donorStart
 * change places, the original's data moving with them.
 *
 * <p>The arguments are checked as mext_check_arguments does: both files non-empty, the two
 * starts at the same offset within a page, the length cut at either file's end and refused
 * when nothing is left (-EINVAL); the same file twice is -EINVAL; a file that is not on ext4 (a
 * device node, fs.type raw) does not know the ioctl (-ENOTTY). Then ext4_move_extents walks the
 * original's extents from origStart: holes are skipped (-ENODATA when no extent follows), and
 * each piece - at most one page's blocks, and within one extent - is one move_extent_per_page
 * under a journal handle of its own: when the original's extent is unwritten and the donor's
 * blocks are all unwritten too (mext_check_coverage, rechecked under the page locks), only the
 * extents are swapped; otherwise the original's page is read in (if not cached), the extents
 * swapped and the page dirtied against its new block, pinned to the transaction
 * (ext4_jbd2_inode_add_write), so writeback writes the data there. The swap keeps the
 * original's written/unwritten state per block and leaves the donor's blocks unwritten
 * (ext4_swap_extents with mark_unwritten). Once anything moved, both inodes give back their
 * preallocations (ext4_discard_preallocations). The result is 0 with the blocks moved, or
 * -errno with those moved before it.
 *
 * <p>Not modelled: lock_two_nondirectories and inode_dio_wait (the call neither takes the two
 * inodes' i_rwsem nor waits for direct I/O in flight on them), the -EBUSY retries of a page whose
 * buffers are pinned by the journal, bigalloc and data=journal refusals (the model has neither).
 */
public final class MoveExtent {
    /** The ioctl's return: the result and move_extent.moved_len (blocks). */
    @FunctionalInterface
    public interface Ret {
        void ret(long result, long movedBlocks);
    }

    private final Kernel kernel;

    public MoveExtent(Kernel kernel) {
        this.kernel = kernel;
    }

    /** ioctl(orig, EXT4_IOC_MOVE_EXT, {donor_fd, orig_start, donor_start, len}), starts and len in blocks. */
    public void move(Task t, OpenFile orig, OpenFile donor, long origStart, long donorStart, long len, Ret k) {
        kernel.enter(t, Syscall.IOCTL, kernel.cost().vfsCallNs(), () -> {
            Ext4 e = kernel.fs().ext4();
            SimFile o = orig.file();
            SimFile d = donor.file();
            if (e == null || o.isBlockDevice()) {
                exit(t, -Errno.ENOTTY, 0, k);
                return;
            }
            if (d.isBlockDevice() || o == d) {
                exit(t, -Errno.EINVAL, 0, k); // not a regular file; the same inode
                return;
            }
            int bs = e.blockSize();
            long bpp = VmSettings.PAGE_SIZE / bs;
            // mext_check_arguments
            if (o.size() == 0 || d.size() == 0 || (origStart % bpp) != (donorStart % bpp) || origStart < 0
                    || donorStart < 0 || len < 0 || origStart + len >= Ext4.EXT_MAX_BLOCKS
                    || donorStart + len >= Ext4.EXT_MAX_BLOCKS) {
                exit(t, -Errno.EINVAL, 0, k);
                return;
            }
            long origEof = (o.size() + bs - 1) / bs;
            long donorEof = (d.size() + bs - 1) / bs;
            long n = len;
            if (origEof <= origStart) {
                n = 0;
            } else if (origEof < origStart + n - 1) {
                n = origEof - origStart;
            }
            if (donorEof <= donorStart) {
                n = 0;
            } else if (donorEof < donorStart + n - 1) {
                n = donorEof - donorStart;
            }
            if (n == 0) {
                exit(t, -Errno.EINVAL, 0, k);
                return;
            }
            new Walk(t, e, o, d, origStart, donorStart, origStart + n, bpp, k).step();
        });
    }

    private void exit(Task t, long result, long moved, Ret k) {
        kernel.exit(t, result, r -> k.ret(r, moved));
    }

    /** ext4_move_extents' loop over the original's extents, one page's blocks at a time. */
    private final class Walk {
        private final Task t;
        private final Ext4 e;
        private final SimFile o;
        private final SimFile d;
        private final long oEnd;
        private final long bpp;
        private final Ret k;
        private long oStart;
        private long dStart;
        private long moved;

        Walk(Task t, Ext4 e, SimFile o, SimFile d, long oStart, long dStart, long oEnd, long bpp, Ret k) {
            this.t = t;
            this.e = e;
            this.o = o;
            this.d = d;
            this.oStart = oStart;
            this.dStart = dStart;
            this.oEnd = oEnd;
            this.bpp = bpp;
            this.k = k;
        }

        void step() {
            while (oStart < oEnd) {
                long[] ex = e.extentNear(o, oStart);
                if (ex == null) {
                    end(-Errno.ENODATA);
                    return;
                }
                long curBlk = ex[0];
                long curLen = ex[1];
                if (curBlk + curLen - 1 < oStart) {
                    // a hole before the start: on to the next extent
                    long next = e.nextAllocated(o, oStart);
                    if (next == Ext4.EXT_MAX_BLOCKS) {
                        end(-Errno.ENODATA);
                        return;
                    }
                    dStart += next - oStart;
                    oStart = next;
                    continue;
                } else if (curBlk > oStart) {
                    // a hole after the start: skipped
                    dStart += curBlk - oStart;
                    oStart = curBlk;
                    if (curBlk >= oEnd) {
                        end(0);
                        return;
                    }
                } else {
                    curLen += curBlk - oStart;
                }
                boolean unwritten = ex[2] == 1;
                curLen = Math.min(curLen, oEnd - oStart);
                long offsetInPage = oStart % bpp;
                curLen = Math.min(curLen, bpp - offsetInPage);
                perPage(oStart, dStart, curLen, unwritten);
                return;
            }
            end(0);
        }

        /** move_extent_per_page: the swap alone, or the data copy, under one journal handle. */
        private void perPage(long oBlk, long dBlk, long blocks, boolean unwritten) {
            long[] replaced = {0};
            boolean[] copied = {false};
            java.util.function.BooleanSupplier copy = () -> {
                copied[0] = !(unwritten && e.coveredUnwritten(o, oBlk, blocks) == 1
                        && e.coveredUnwritten(d, dBlk, blocks) == 1);
                return copied[0];
            };
            Runnable swap = () -> replaced[0] = e.swapExtents(o, d, oBlk, dBlk, blocks, copied[0]);
            kernel.pageCache().movePage(t, o, oBlk / bpp, d, dBlk / bpp, copy, swap, () -> t.compute(
                    kernel.cost().extentMoveNs(), true, () -> {
                if (replaced[0] < 0) {
                    end(replaced[0]);
                    return;
                }
                moved += replaced[0];
                oStart += blocks;
                dStart += blocks;
                step();
            }));
        }

        private void end(long result) {
            if (moved > 0) {
                e.discardPreallocations(o);
                e.discardPreallocations(d);
            }
            exit(t, result, moved, k);
        }
    }
}
