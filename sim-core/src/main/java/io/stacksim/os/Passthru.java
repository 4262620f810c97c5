package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.device.DeviceCommand;
import io.stacksim.device.Transport;
import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The passthrough interfaces a program reaches a disk's own commands by:
 * <ul>
 * <li>{@link #sgIo}: ioctl(fd, SG_IO, hdr) on a SCSI disk's block device or its /dev/sgN
 *     (drivers/scsi/scsi_ioctl.c sg_io): blk_rq_map_user, blk_execute_rq at the head of the
 *     dispatch list (no SG_FLAG_Q_AT_TAIL) and the caller asleep until the command ends;</li>
 * <li>{@link #sgWrite} / {@link #sgRead}: write(2) of a struct sg_io_hdr to /dev/sgN queues the
 *     command (drivers/scsi/sg.c sg_write, sg_common_write: blk_execute_rq_nowait, at head) and
 *     returns; read(2) returns the oldest completed one, sleeping until there is one (sg_read);</li>
 * <li>{@link #uringCmd}: io_uring's IORING_OP_URING_CMD on /dev/ngXnY
 *     (drivers/nvme/host/ioctl.c nvme_uring_cmd_io): blk_execute_rq_nowait (not at head, so
 *     into the submitter's plug when it holds one), the CQE posted at completion.</li>
 * </ul>
 * A device the interface does not fit fails as Linux does: SG_IO on a device that is not SCSI
 * (NVMe, the RAM disk: no such ioctl in their drivers) with ENOTTY; a uring_cmd on a device
 * without NVMe passthrough with EOPNOTSUPP (the file has no uring_cmd hook).
 */
public final class Passthru {
    public static final int ENOTTY = Errno.ENOTTY;
    public static final int EOPNOTSUPP = Errno.EOPNOTSUPP;

    /**
     * A passthrough command's return: the call's result (0 or -errno), the device's failure, its
     * bio, and the caller's tag (sg_io_hdr's usr_ptr for /dev/sgN; else null).
     */
    public record Result(long ret, String sense, Bio bio, Object tag) {
        public Result(long ret, String sense, Bio bio) {
            this(ret, sense, bio, null);
        }

        /** The command failed at the device (SG_INFO_CHECK set; a non-zero NVMe status). */
        public boolean checkCondition() {
            return sense != null;
        }
    }

    private final Kernel kernel;
    /** Completed /dev/sgN commands of each open file, waiting for read(2). */
    private final Map<OpenFile, SgFile> sgFiles = new IdentityHashMap<>();

    public Passthru(Kernel kernel) {
        this.kernel = kernel;
    }

    private static final class SgFile {
        final ArrayDeque<Result> done = new ArrayDeque<>();
        Task reader;
        Consumer<Result> readerK;
    }

    /** The bio that carries {@code cmd} and its data (blk_rq_map_user). */
    private static Bio bio(Task t, DeviceCommand cmd, boolean atHead, io.stacksim.block.BioEndIo end) {
        int sectors = (int) ((cmd.dataBytes() + 511) >>> 9);
        Bio b = new Bio(0, sectors, cmd.toDevice() ? Op.DRV_OUT : Op.DRV_IN, Bio.SYNC, IoPriority.NONE, t, end);
        b.command = cmd;
        b.atHead = atHead;
        return b;
    }

    /** CPU work of issuing {@code cmd}: the call, pinning its buffer's pages, building the request. */
    private long work(DeviceCommand cmd) {
        CostModel c = kernel.cost();
        return c.vfsCallNs() + ((cmd.dataBytes() + 4095) >>> 12) * c.dioPagePinNs() + c.blockSubmitNs();
    }

    /** ioctl(SG_IO): returns when the command has ended; ENOTTY on a device that is not SCSI. */
    public void sgIo(Task t, OpenFile f, DeviceCommand cmd, Consumer<Result> k) {
        kernel.enter(t, Syscall.IOCTL, work(cmd), () -> {
            BlockTarget bdev = f.file().bdev();
            if (!bdev.transport().scsi()) {
                kernel.exit(t, -ENOTTY, r -> k.accept(new Result(-ENOTTY, null, null)));
                return;
            }
            Wait w = new Wait(t, k);
            bdev.executePassthrough(bio(t, cmd, true, w::ended));
            w.block();
        });
    }

    /**
     * ioctl(NVME_IOCTL_IO64_CMD) on an NVMe namespace (drivers/nvme/host/ioctl.c nvme_user_cmd64 ->
     * nvme_submit_user_cmd: blk_execute_rq, not at head): returns when the command has ended,
     * -EIO for an NVMe status; ENOTTY on a device that is not NVMe.
     */
    public void nvmeIoctl(Task t, OpenFile f, DeviceCommand cmd, Consumer<Result> k) {
        kernel.enter(t, Syscall.IOCTL, work(cmd), () -> {
            BlockTarget bdev = f.file().bdev();
            if (bdev.transport() != Transport.NVME) {
                kernel.exit(t, -ENOTTY, r -> k.accept(new Result(-ENOTTY, null, null)));
                return;
            }
            Wait w = new Wait(t, k);
            bdev.executePassthrough(bio(t, cmd, false, w::ended));
            w.block();
        });
    }

    /** write(2) of an sg_io_hdr to /dev/sgN: the command queued; returns the header's size (or -errno). */
    public void sgWrite(Task t, OpenFile f, DeviceCommand cmd, Object usrPtr, Kernel.Ret k) {
        kernel.enter(t, Syscall.WRITE, work(cmd), () -> {
            BlockTarget bdev = f.file().bdev();
            if (!bdev.transport().scsi()) {
                kernel.exit(t, -ENOTTY, k);
                return;
            }
            SgFile sf = sgFiles.computeIfAbsent(f, x -> new SgFile());
            bdev.executePassthrough(bio(t, cmd, true, b -> {
                Result r = new Result(b.error == -Errno.EIO ? 0 : b.error, b.sense, b, usrPtr);
                Task reader = sf.reader;
                if (reader != null) {
                    Consumer<Result> rk = sf.readerK;
                    sf.reader = null;
                    sf.readerK = null;
                    reader.wake(() -> kernel.exit(reader, 0, x -> rk.accept(r)));
                } else {
                    sf.done.addLast(r);
                }
            }));
            kernel.exit(t, SG_IO_HDR_BYTES, k);
        });
    }

    /** sizeof(struct sg_io_hdr) on 64-bit Linux: what write(2) and read(2) of one return. */
    public static final long SG_IO_HDR_BYTES = 88;

    /** read(2) of an sg_io_hdr from /dev/sgN: the oldest completed command, sleeping until one is. */
    public void sgRead(Task t, OpenFile f, Consumer<Result> k) {
        kernel.enter(t, Syscall.READ, kernel.cost().vfsCallNs(), () -> {
            SgFile sf = sgFiles.computeIfAbsent(f, x -> new SgFile());
            Result r = sf.done.pollFirst();
            if (r != null) {
                kernel.exit(t, 0, x -> k.accept(r));
                return;
            }
            sf.reader = t;
            sf.readerK = k;
            t.sleep();
        });
    }

    /** Commands of {@code f} completed and not yet read. */
    public int sgCompleted(OpenFile f) {
        SgFile sf = sgFiles.get(f);
        return sf == null ? 0 : sf.done.size();
    }

    /**
     * IORING_OP_URING_CMD with an NVMe command, from io_uring_enter's submission loop (no syscall
     * frame of its own): {@code done} gets the CQE's result when the command ends (0, or -EIO
     * for an NVMe status, -EOPNOTSUPP where the file takes no uring_cmd).
     */
    public void uringCmd(Task t, OpenFile f, DeviceCommand cmd, Consumer<Result> done) {
        BlockTarget bdev = f.file().bdev();
        if (bdev.transport() != Transport.NVME) {
            done.accept(new Result(-EOPNOTSUPP, null, null));
            return;
        }
        bdev.executePassthrough(bio(t, cmd, false, b -> done.accept(new Result(b.error, b.sense, b))));
    }

    /** blk_execute_rq's wait: the task sleeps until the command's bio ends. */
    private final class Wait {
        private final Task task;
        private final Consumer<Result> k;
        private boolean sleeping;
        private Result result;

        Wait(Task task, Consumer<Result> k) {
            this.task = task;
            this.k = k;
        }

        void ended(Bio b) {
            // sg_io: a command the device failed still returns 0, with the status in the header.
            Result r = new Result(b.error == -Errno.EIO ? 0 : b.error, b.sense, b);
            if (sleeping) {
                task.wake(() -> kernel.exit(task, r.ret(), x -> k.accept(r)));
            } else {
                result = r;
            }
        }

        void block() {
            if (result != null) {
                Result r = result;
                kernel.exit(task, r.ret(), x -> k.accept(r));
            } else {
                sleeping = true;
                task.sleep();
            }
        }
    }
}
