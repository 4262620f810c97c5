package io.stacksim.devices.hdd;

import io.stacksim.block.Request;
import io.stacksim.device.DeviceHost;
import io.stacksim.devices.hdd.BufferCache.Hit;
import io.stacksim.engine.Simulator;
import java.util.ArrayList;

/**
 * The drive's command queue and its scheduler (DiskSim's ioqueue inside the disk, with
 * disk_enablement_function): FCFS or shortest positioning time first over the queued commands a
 * buffer segment can serve, command aging, and the write-back destage's share of the actuator.
 * A FLUSH completes once every write queued before it has reached the media.
 */
final class CommandScheduler {
    private final HddParams params;
    private final HddParams.Cache rules;
    private final HddParams.Firmware fw;
    private final Layout layout;
    private final Mechanics mech;
    private Simulator sim;
    private DeviceHost host;
    private BufferCache buf;
    private Actuator hda;

    /** Commands whose media part is still to do, in arrival order. */
    final ArrayList<DriveCommand> queue = new ArrayList<>();
    private final ArrayList<Request> flushes = new ArrayList<>();

    CommandScheduler(HddParams params) {
        this.params = params;
        this.rules = params.cache();
        this.fw = params.firmware();
        this.layout = params.layout();
        this.mech = params.mech();
    }

    void connect(Simulator sim, DeviceHost host, BufferCache buf, Actuator hda) {
        this.sim = sim;
        this.host = host;
        this.buf = buf;
        this.hda = hda;
    }

    void add(DriveCommand c) {
        queue.add(c);
        c.inQueue = true;
    }

    /**
     * Queued commands never given the actuator (DiskSim's ioqueue_get_number_pending): a write
     * appended behind the one in progress counts until it is dispatched itself.
     */
    int pendingCount() {
        int n = 0;
        for (int i = 0; i < queue.size(); i++) {
            if (queue.get(i).hdaAt < 0) {
                n++;
            }
        }
        return n;
    }

    /** {@code c}'s media part is over: it leaves the queue, which may let a FLUSH complete. */
    void mediaDone(DriveCommand c) {
        if (c.inQueue) {
            queue.remove(c);
            c.inQueue = false;
            if (!flushes.isEmpty() && !c.read) {
                checkFlushes();
            }
        }
    }

    // ================================================================ flush

    void flushArrive(Request rq, long seq) {
        rq.deviceData = seq;
        flushes.add(rq);
        checkFlushes();
    }

    /** Completes every FLUSH whose earlier writes have all reached the media. */
    private void checkFlushes() {
        for (int i = 0; i < flushes.size(); i++) {
            Request f = flushes.get(i);
            long seq = (Long) f.deviceData;
            boolean pending = false;
            for (DriveCommand c : queue) {
                if (!c.read && c.seq < seq) {
                    pending = true;
                    break;
                }
            }
            if (!pending) {
                flushes.remove(i--);
                f.deviceData = null;
                f.devQueueNs = Math.max(0, sim.now() - f.tDispatched);
                sim.after(fw.writeComplete(), () -> host.complete(f));
            }
        }
    }

    // ================================================================ the scheduler

    /** The drive's scheduler: the next queued command that may take the actuator, or null. */
    DriveCommand peekNext() {
        DriveCommand aged = agedCommand();
        if (aged != null) {
            return aged;
        }
        // Host commands that waited out the destage yield go before write-back data.
        if (overdueHostCommand()) {
            DriveCommand host = sptf(true);
            if (host != null) {
                return host;
            }
        }
        BufferSegment room = buf.roomSegment(null);
        DriveCommand tail = room == null ? null : room.firstDirty();
        if (tail != null && !tail.hdaOwned && tail.inQueue) {
            return tail;
        }
        return sptf(false);
    }

    /** SPTF (or FCFS) over the queued commands that may run now; only those the host waits on if {@code hostOnly}. */
    private DriveCommand sptf(boolean hostOnly) {
        DriveCommand best = null;
        long bestCost = Long.MAX_VALUE;
        for (int i = 0; i < queue.size(); i++) {
            DriveCommand c = queue.get(i);
            if (c.started || !c.live || (hostOnly && c.completionSent) || buf.notRingTail(c) || !enabled(c)) {
                continue;
            }
            if (params.scheduler() == HddParams.Scheduler.FCFS) {
                return c;
            }
            long cost = positioningEstimate(c);
            if (cost < bestCost) {
                bestCost = cost;
                best = c;
            }
        }
        return best;
    }

    /**
     * Command aging: the oldest command the host has waited on for longer than the aging limit
     * goes next, whatever its positioning cost; returns the command to give the actuator, or
     * null. A write-back write whose status went back is no longer a command the host waits on:
     * its data is the drive's to destage. An aged write that waits for buffer room is served by
     * destaging the segment whose room it needs (its own ring, or the one that frees soonest).
     */
    private DriveCommand agedCommand() {
        if (params.agingNs() <= 0) {
            return null;
        }
        DriveCommand oldest = null;
        DriveCommand job = null;
        long limit = sim.now() - params.agingNs();
        for (int i = 0; i < queue.size(); i++) {
            DriveCommand c = queue.get(i);
            if (c.started || !c.live || c.completionSent || c.arrived > limit
                    || (oldest != null && c.arrived >= oldest.arrived)) {
                continue;
            }
            DriveCommand j = enabled(c) ? c : roomFor(c);
            if (j != null) {
                oldest = c;
                job = j;
            }
        }
        return job;
    }

    /**
     * A command the host waits on, able to run now, has waited at least the destage yield: the
     * write-back data yields to it. Firmware destages in bounded runs between host commands (a
     * flush "does not exceed a predetermined maximum duration", WD US 9,141,531 B1; write threads
     * and purges of a preselected time, Seagate US 6,789,163 B2); the bound is not published.
     */
    private boolean overdueHostCommand() {
        if (params.destageYieldNs() <= 0 || !rules.writeBackEnabled()) {
            return false;
        }
        long limit = sim.now() - params.destageYieldNs();
        for (int i = 0; i < queue.size(); i++) {
            DriveCommand c = queue.get(i);
            if (!c.started && c.live && !c.completionSent && c.arrived <= limit && !buf.notRingTail(c) && enabled(c)) {
                return true;
            }
        }
        return false;
    }

    /** The destage that makes buffer room for a write that cannot take its data, or null. */
    private DriveCommand roomFor(DriveCommand c) {
        if (c.read || !rules.writeBackEnabled()) {
            return null;
        }
        BufferSegment s = buf.roomSegmentFor(c, null);
        DriveCommand tail = s == null ? null : s.firstDirty();
        return tail == null || tail == c || tail.hdaOwned || !tail.inQueue ? null : tail;
    }

    /**
     * At a command boundary of a write-back destage: carry on into the next cached write (a
     * zero-cost continuation, which SPTF would pick anyway) unless an aged command waits, a host
     * command has waited out the destage yield, or a write waits for room that this segment,
     * still being filled by the host, would never free. The drive schedules its write-back data
     * command by command, so a stream the host keeps appending to cannot hold the actuator for good.
     */
    boolean continueDestage(BufferSegment seg) {
        DriveCommand aged = agedCommand();
        if ((aged != null && aged.seg != seg) || overdueHostCommand()) {
            return false;
        }
        BufferSegment room = buf.roomSegment(seg);
        // A segment the host no longer fills frees when drained: finish it first.
        return room == null || room == seg || room.firstDirty() == null || !seg.filling();
    }

    /** Estimated time until the heads reach {@code c}'s first sector (0 for a cache hit). */
    long positioningEstimate(DriveCommand c) {
        if (c.read) {
            int hit = buf.readHitEstimate(c);
            if (hit >= 0) {
                return hit;
            }
        }
        long pbn = layout.ltop(c.lbn);
        int cyl = Layout.cyl(pbn);
        int head = Layout.head(pbn);
        long seek = mech.positionNs(hda.curCyl, hda.curHead, cyl, head, c.read);
        if (!c.read && seek < fw.minimumSeekDelay()) {
            seek = fw.minimumSeekDelay();
        }
        long now = sim.now();
        long ready = Math.max(now, c.overheadDone);
        double pos = layout.sectorPosition(cyl, head, Layout.sector(pbn));
        return ready - now + seek + mech.latencyNs(ready + seek, pos, layout.sectorsPerTrack(cyl));
    }

    /** DiskSim's enablement rule: a command may take the actuator only if a buffer segment can serve it. */
    boolean enabled(DriveCommand c) {
        if (c.read) {
            if (c.seg != null) {
                return !(c.seg.dirtyOrWriting() && !buf.reusable(c.seg));
            }
            buf.select(c, false);
            if (c.seg == null) {
                return false;
            }
            boolean ok = !(c.seg.dirtyOrWriting() && !buf.reusable(c.seg));
            c.hit = Hit.NOMATCH;
            c.seg = null;
            return ok;
        }
        if (c.seg != null) {
            if (!c.segOwned) {
                DriveCommand owner = buf.owner(c.seg, false);
                if (owner == null) {
                    for (DriveCommand t : c.seg.reqs) {
                        if (!t.read) {
                            owner = t;
                            break;
                        }
                    }
                }
                if (owner != null && owner != c && c.end - owner.inLbn > c.seg.size && owner.inLbn != c.lbn) {
                    return false;
                }
            }
            return true;
        }
        buf.select(c, false);
        if (c.seg == null) {
            return false;
        }
        boolean ok = true;
        if (c.hit == Hit.APPEND) {
            DriveCommand owner = buf.owner(c.seg, false);
            if (owner != null && c.end - owner.inLbn > c.seg.size && owner.inLbn != c.lbn) {
                ok = false;
            }
        }
        c.hit = Hit.NOMATCH;
        c.seg = null;
        return ok;
    }
}
