package io.stacksim.os;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.fs.OpenFile;

/**
 * One asynchronous I/O control block (struct iocb for libaio, an SQE for io_uring): what to do
 * and, once complete, its result and timing.
 */
public final class Iocb {
    public OpenFile file;
    public Op op;
    public long offset;
    public long length;
    /** Caller's cookie (fio's io_u). */
    public final Object data;
    /**
     * The request's own I/O priority: an aio iocb's aio_reqprio with IOCB_FLAG_IOPRIO, an
     * io_uring SQE's ioprio; 0 = none, the kiocb takes the task's (get_current_ioprio).
     */
    public int ioprio;
    /**
     * For IORING_OP_URING_CMD: the command passed through to the device (an NVMe command on
     * /dev/ngXnY); null for reads, writes and syncs.
     */
    public io.stacksim.device.DeviceCommand command;

    /** Bytes transferred or a negative errno, valid once complete. */
    public long result;
    public long tSubmitted;
    public long tCompleted;
    /** The last bio of this I/O, for the latency breakdown (null if none). */
    public Bio lastBio;
    /** Kept by aio for the block's next direct I/O: its completion and its bio and dio (null until first used). */
    AioSyscalls.DirectDone aioDone;
    io.stacksim.fs.DirectIo.Slot dioSlot;

    public Iocb(OpenFile file, Op op, long offset, long length, Object data) {
        this.data = data;
        prepare(file, op, offset, length);
    }

    /**
     * Fills the block for its next I/O (io_prep_pread/io_prep_pwrite on a struct iocb the caller
     * keeps), once the kernel is done with it: reaped, or never submitted.
     */
    public void prepare(OpenFile file, Op op, long offset, long length) {
        this.file = file;
        this.op = op;
        this.offset = offset;
        this.length = length;
        this.ioprio = 0;
        this.command = null;
        this.result = 0;
        this.tSubmitted = 0;
        this.tCompleted = 0;
        this.lastBio = null;
    }
}
