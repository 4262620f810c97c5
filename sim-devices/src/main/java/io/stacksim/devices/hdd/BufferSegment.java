package io.stacksim.devices.hdd;

import io.stacksim.engine.Timer;
import java.util.ArrayList;

/**
 * One segment of the drive's buffer (DiskSim's segment): the blocks it holds
 * [{@code start}, {@code end}), the commands using it in LBN order, its state on the media side
 * and on the bus side, and the media access that fills or drains it.
 */
final class BufferSegment {
    /** Media-side state (DiskSim's BUFFER_EMPTY ... BUFFER_WRITING). */
    enum State { EMPTY, CLEAN, DIRTY, READING, WRITING }

    /** Bus-side state (BUFFER_IDLE, BUFFER_CONTACTING, BUFFER_TRANSFERING, BUFFER_PREEMPT). */
    enum BusState { IDLE, CONTACTING, TRANSFERRING, PREEMPT }

    /** The media access in progress on the segment (the event DiskSim keeps in seg->access). */
    enum Access { NONE, SEEK, SECTOR }

    final int size;
    State state = State.EMPTY;
    BusState outState = BusState.IDLE;
    long start;
    long end;
    int outCount;
    long minRa = -1;
    long maxRa = -1;
    final ArrayList<DriveCommand> reqs = new ArrayList<>(2);
    boolean hasAccess;
    Access accType = Access.NONE;
    long accLbn;
    boolean accRead;
    boolean accBackground;
    long accTime;
    int accBcount;
    int accSector;
    Timer accTimer;
    long time;

    BufferSegment(int size) {
        this.size = size;
    }

    boolean dirtyOrWriting() {
        return state == State.DIRTY || state == State.WRITING;
    }

    boolean overlaps(DriveCommand c) {
        if (c.lbn >= start && c.lbn < end) {
            return true;
        }
        if (c.end > start && c.end <= end) {
            return true;
        }
        return c.lbn <= start && c.end >= end;
    }

    /** The segment keeps at most {@code size} blocks: the oldest go as {@code newEnd} grows. */
    void wrap(long newEnd) {
        start = Math.max(start, newEnd - size);
    }

    /** The lowest unwritten write of the segment, or null. */
    DriveCommand firstDirty() {
        DriveCommand first = null;
        for (DriveCommand t : reqs) {
            if (!t.read && t.live && t.inLbn < t.end && (first == null || t.lbn < first.lbn)) {
                first = t;
            }
        }
        return first;
    }

    /** The host is still appending to the segment: some write's data has yet to arrive. */
    boolean filling() {
        for (DriveCommand t : reqs) {
            if (!t.read && t.live && t.outLbn < t.end) {
                return true;
            }
        }
        return false;
    }
}
