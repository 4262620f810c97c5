package io.stacksim.devices.hdd;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.block.Request;

/**
 * A command inside the drive (DiskSim's diskreq): the host request, how far its data has moved
 * over the bus ({@code outLbn}) and to or from the media ({@code inLbn}), the buffer segment
 * serving it and its progress through the drive's handshakes.
 */
final class DriveCommand {
    final Request rq;
    final long lbn;
    final int count;
    final long end;
    final boolean read;
    final boolean fua;
    /** A write the drive acknowledges once its data is in the buffer (write-back, no FUA). */
    final boolean writeBack;
    /** Arrival order, which FLUSH uses to find the writes before it. */
    final long seq;
    final long arrived;
    /** Still needs the drive: false once its media part and its completion are over. */
    boolean live = true;
    boolean segOwned;
    boolean hdaOwned;
    boolean extraWriteDisconnect;
    boolean completionSent;
    boolean completionReceived;
    /** Has had (or shares) the actuator, so the scheduler no longer offers it. */
    boolean started;
    boolean inQueue;
    /** Next block to move over the bus. */
    long outLbn;
    /** Next block to move between the media and the buffer. */
    long inLbn;
    BufferSegment seg;
    BufferCache.Hit hit = BufferCache.Hit.NOMATCH;
    int watermark;
    /** When the command overhead ends (the arm may not start earlier). */
    long overheadDone;
    long hdaAt = -1;
    long transferNs;
    /** The part of {@link #transferNs} done before the media access began (a write's data into the buffer). */
    long transferBeforeHdaNs;
    /** Sectors the bus may still move to or from the host (Request#hostBytes: a VERIFY moves none). */
    long hostLeft;
    /** When the bus transfer of this command now in progress ends (0 when none has run). */
    long transferEndsAt;

    DriveCommand(Request rq, long seq, long now, boolean writeBackCache) {
        this.rq = rq;
        this.lbn = rq.sector;
        this.count = rq.nrSectors;
        this.end = lbn + count;
        this.read = rq.op == Op.READ;
        this.fua = rq.has(Bio.FUA);
        this.writeBack = !read && writeBackCache && !fua;
        this.seq = seq;
        this.arrived = now;
        this.outLbn = lbn;
        this.inLbn = lbn;
        this.hostLeft = rq.hostBytes() >> 9;
    }
}
