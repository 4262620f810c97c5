package io.stacksim.workload;

import io.stacksim.block.Bio;
import io.stacksim.os.Iocb;

/**
 * One of a job's I/O units (fio's {@code struct io_u}): a job has {@code iodepth} of them and
 * reuses them. It carries what to do and the times fio stamps on it: created (start_time,
 * when get_io_u set it up), issued (issue_time, handed to the kernel) and completed.
 */
final class IoUnit {
    /** JobStats.READ, WRITE, SYNC or DATASYNC. */
    int ddir;
    /** Index of the job file it targets. */
    int file;
    long offset;
    long length;
    long startNs;
    long issueNs;
    long result;
    Bio lastBio;
    /** A verify read (fio's IO_U_F_VER_LIST): its data is checksummed when it completes. */
    boolean verify;
    /** The priority fio's cmdprio gave it (io_u->ioprio), 0 for the job's own. */
    int ioprio;
    /** zonemode=zbd: the zone whose mutex the unit holds until it completes (zbd_queue_io/zbd_put_io), else -1. */
    int zbdZone = -1;
    /** The engine's control block while queued or in flight (libaio, io_uring, posixaio). */
    Iocb iocb;
    /** The unit's own iocb, reused by each of its asynchronous I/Os (fio's io_u->iocb). */
    Iocb ownIocb;

    /** verify_async: its data is still to be checked, this long, by an async verify thread (IO_U_F_FREE_DEF). */
    long verifyHoldNs;

    /** The engine moved part of it (io_u->resid): the rest is requeued. */
    boolean resid;
    /** The engine moved nothing and the job is done: not counted. */
    boolean discard;

    boolean isSync() {
        return ddir >= JobStats.SYNC;
    }
}
