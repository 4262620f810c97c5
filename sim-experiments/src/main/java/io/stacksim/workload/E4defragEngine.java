package io.stacksim.workload;

import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.Kernel;
import io.stacksim.os.MoveExtent;
import io.stacksim.os.Task;
import java.util.function.IntConsumer;

/**
 * fio's e4defrag engine (engines/e4defrag.c): online defragmentation as I/O. At init the donor
 * file ({@code directory/donorname}) is opened O_CREAT|O_WRONLY and, unless {@code inplace=1},
 * fallocated (mode 0) over [offset, filesize) - so filesize= is needed, as in fio, where a
 * length of 0 fails fallocate with EINVAL and the job with it; its block size is fstat's
 * st_blksize (the file system's block, 4096). Each write unit is one EXT4_IOC_MOVE_EXT ioctl
 * on the job's file ({@link MoveExtent}) over the blocks the unit covers, the donor's same
 * blocks swapped in; with {@code inplace=1} the donor range is fallocated first and the donor
 * truncated to 0 after (the original's old blocks freed). Blocks moved short of the unit are a
 * short transfer (io_u->resid, the rest requeued), none moved is EINVAL ("access beyond
 * i_size"), the ioctl's own error wins. A read (or a sync unit) is EINVAL, as the engine
 * handles DDIR_WRITE only. FIO_SYNCIO: clat is the whole call sequence.
 */
final class E4defragEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("e4defrag", true, false, IoEngineType.DeviceDepth.ONE,
            E4defragEngine::new);

    private final JobRunner r;
    private final MoveExtent ioctl;
    private final boolean inplace;
    private final String donorName;
    private OpenFile donor;
    private int bsz = 4096;

    private E4defragEngine(JobRunner r) {
        this.r = r;
        this.ioctl = new MoveExtent(r.kernel());
        this.inplace = "1".equals(r.spec().control().engineOptions().get("inplace"));
        String dir = r.spec().files().directory();
        String name = r.spec().control().engineOptions().get("donorname");
        // fio_e4defrag_init: "%s/" of directory, then the donor name as given
        this.donorName = dir.isEmpty() ? name : dir + "/" + name;
    }

    @Override
    public void init(Runnable k) {
        Kernel kernel = r.kernel();
        Task t = r.task();
        kernel.open(t, donorName, OpenFile.O_CREAT, -1, of -> {
            if (of == null) {
                throw new JobRunner.JobError(r.spec(), "can't open donor file " + donorName);
            }
            donor = of;
            if (kernel.fs().ext4() != null) {
                bsz = kernel.fs().ext4().blockSize();
            }
            if (inplace) {
                k.run();
                return;
            }
            JobSpec.Files f = r.spec().files();
            long start = f.offset().percent() > 0 ? 0 : f.offset().bytes();
            long len = f.filesizeMax() - start;
            kernel.fallocate(t, donor, 0, start, len, res -> {
                if (res < 0) {
                    throw new JobRunner.JobError(r.spec(), "e4defrag: fallocate of donor file " + donorName + " over "
                            + start + ".." + f.filesizeMax() + " failed with " + Errno.name(res)
                            + " (fio_e4defrag_init: filesize= gives its length; td_verror at io_queue_init)");
                }
                k.run();
            });
        });
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        r.issued(u);
        if (u.ddir != JobStats.WRITE) {
            done(u, -Errno.EINVAL, status);
            return;
        }
        Kernel kernel = r.kernel();
        Task t = r.task();
        long orig = u.offset / bsz;
        long len = (u.offset + u.length + bsz - 1) / bsz - orig;
        Runnable move = () -> ioctl.move(t, r.open(u.file), donor, orig, orig, len, (ret, movedBlocks) -> {
            long moved = Math.min(movedBlocks * bsz, u.length);
            Runnable fin = () -> {
                if (ret < 0) {
                    done(u, ret, status);
                } else if (moved == u.length) {
                    done(u, moved, status);
                } else if (moved > 0) {
                    u.lastBio = null;
                    r.shortTransfer(u, moved);
                    status.accept(COMPLETED);
                } else {
                    done(u, -Errno.EINVAL, status); // "access beyond i_size"
                }
            };
            if (inplace) {
                kernel.ftruncate(t, donor, 0, x -> fin.run());
            } else {
                fin.run();
            }
        });
        if (inplace) {
            kernel.fallocate(t, donor, 0, u.offset, u.length, res -> {
                if (res < 0) {
                    done(u, res, status);
                } else {
                    move.run();
                }
            });
        } else {
            move.run();
        }
    }

    private void done(IoUnit u, long result, IntConsumer status) {
        u.result = result;
        u.lastBio = null;
        r.completed(u);
        status.accept(COMPLETED);
    }

    /** fio_e4defrag_cleanup: the donor is closed (and kept). */
    @Override
    public void close(Runnable k) {
        if (donor == null) {
            k.run();
            return;
        }
        OpenFile d = donor;
        donor = null;
        r.kernel().close(r.task(), d, x -> k.run());
    }
}
