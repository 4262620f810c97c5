package io.stacksim.devices.hdd;

import io.stacksim.block.Request;
import io.stacksim.device.DeviceHost;
import io.stacksim.devices.hdd.BufferCache.Hit;
import io.stacksim.devices.hdd.BufferSegment.BusState;
import io.stacksim.engine.Simulator;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * The drive's bus interface after DiskSim 4.0's disksim_diskctlr.c (disk_request_arrive,
 * disk_check_bus, disk_reconnection_or_transfer_complete, disk_disconnect_done,
 * disk_request_complete, disk_completion_done): command arrival and the command overheads, bus
 * ownership, reconnecting when enough data is buffered (the water marks), data transfers at the
 * bus rate, disconnecting, and the completion handshake.
 *
 * <p>The host side of DiskSim's validation setup (driver, pass-through controller, bus messages)
 * takes no time, so the host answers every message at once; a data transfer takes the number of
 * sectors times the per-sector transfer time.
 */
final class BusInterface {
    /** The drive's own bus state (DiskSim's DISK_IDLE, DISK_TRANSFERING, DISK_WAIT_FOR_CONTROLLER). */
    private enum State { IDLE, TRANSFERRING, WAIT }

    /** Messages to the host. */
    private enum Message { READY, RECONNECT, DISCONNECT, COMPLETION }

    private final HddParams.Cache rules;
    private final HddParams.Firmware fw;
    private final HddParams.Bus link;
    private Simulator sim;
    private DeviceHost host;
    private BufferCache buf;
    private Actuator hda;
    private CommandScheduler sched;

    private final ArrayDeque<DriveCommand> hostQueue = new ArrayDeque<>();
    /** Commands disconnected from the bus, waiting to reconnect. */
    final ArrayList<DriveCommand> pendXfer = new ArrayList<>();
    private State outState = State.IDLE;
    private boolean busOwned;
    private boolean busWait;
    /** A command holding the bus while it waits for media data. */
    private DriveCommand outWait;
    private boolean lastRead = true;
    private DriveCommand currentBus;
    private DriveCommand effectiveBus;
    /** The write of the HP C2247A's extra disconnect, between its two disconnects. */
    DriveCommand extradiscCmd;
    private long startTrans;
    private int blksDone;

    // Statistics.
    long readHitsWhole;
    long readHitsPartial;
    long readMisses;
    long writes;
    long busSectors;

    BusInterface(HddParams params) {
        this.rules = params.cache();
        this.fw = params.firmware();
        this.link = params.bus();
    }

    void connect(Simulator sim, DeviceHost host, BufferCache buf, Actuator hda, CommandScheduler sched) {
        this.sim = sim;
        this.host = host;
        this.buf = buf;
        this.hda = hda;
        this.sched = sched;
    }

    /** A command from the host: it arrives now if the bus is free, else once the drive lets the bus go. */
    void submit(DriveCommand c) {
        if (idle()) {
            arrive(c);
        } else {
            hostQueue.addLast(c);
        }
    }

    /** The drive neither owns nor waits for the bus. */
    boolean idle() {
        return !busOwned && !busWait;
    }

    /** Delivers commands that waited for the bus, now that the drive let it go. */
    private void deliverWaitingCommands() {
        while (idle() && !hostQueue.isEmpty()) {
            arrive(hostQueue.pollFirst());
        }
    }

    /** Sends a message up to the host after {@code delay}; the host answers at once. */
    private void sendUp(DriveCommand c, Message msg, long delay) {
        busWait = true;
        busOwned = true;
        sim.after(Math.max(0, delay), () -> {
            busWait = false;
            switch (msg) {
                case READY, RECONNECT -> sim.after(0, () -> transferDone(c));
                case DISCONNECT -> sim.after(0, () -> disconnected(c));
                case COMPLETION -> {
                    finishRequest(c);
                    sim.after(0, () -> completionAcked(c));
                }
            }
        });
    }

    private void finishRequest(DriveCommand c) {
        Request rq = c.rq;
        long now = sim.now();
        long hdaAt = c.hdaAt < 0 ? now : c.hdaAt;
        // Disjoint parts of the device's time: the wait before the media access (less the bus
        // transfers done in it), the transfers, and the media access (less the transfers in it).
        rq.devQueueNs = Math.max(0, hdaAt - rq.tDispatched - c.transferBeforeHdaNs);
        rq.devTransferNs = c.transferNs;
        rq.devMediaNs = Math.max(0, now - hdaAt - (c.transferNs - c.transferBeforeHdaNs));
        if (!c.read) {
            writes++;
        }
        host.complete(rq);
    }

    /** Whether a command holds the bus waiting for media data. */
    boolean holdsBusWaiting() {
        return outWait != null;
    }

    /** Whether {@link #checkBus}{@code (c)} would reconnect for {@code c} now (it has no other effect). */
    boolean wouldReconnect(DriveCommand c) {
        if (busWait) {
            return false;
        }
        if (effectiveBus != null ? effectiveBus != c : currentBus != null && currentBus != c) {
            return false;
        }
        return needsBus(c) >= 0;
    }

    /** A media access waits on the bus holding it: let it look again (disk_buffer_request_complete's first step). */
    void pokeWaitingTransfer() {
        if (outWait != null) {
            DriveCommand w = outWait;
            outWait = null;
            sim.after(0, () -> transferDone(w));
        }
    }

    // ================================================================ command arrival

    private void arrive(DriveCommand c) {
        if (fw.perRequest() > 0) {
            busOwned = true;
            sim.after(fw.perRequest(), () -> requestArrive(c));
        } else {
            requestArrive(c);
        }
    }

    private void requestArrive(DriveCommand c) {
        busOwned = true;
        outState = State.WAIT;
        effectiveBus = c;
        sched.add(c);
        buf.select(c, true);
        if (c.read) {
            switch (c.hit) {
                case WHOLE -> readHitsWhole++;
                case PARTIAL -> readHitsPartial++;
                default -> readMisses++;
            }
            readArrive(c);
        } else {
            writeArrive(c);
        }
    }

    private long readMissOverhead() {
        return lastRead ? fw.readMissAfterRead() : fw.readMissAfterWrite();
    }

    private long readHitOverhead() {
        return lastRead ? fw.readHitAfterRead() : fw.readHitAfterWrite();
    }

    private long writeOverhead(DriveCommand c) {
        if (c.writeBack) {
            return lastRead ? fw.writeHitAfterRead() : fw.writeHitAfterWrite();
        }
        return lastRead ? fw.writeMissAfterRead() : fw.writeMissAfterWrite();
    }

    private void readArrive(DriveCommand c) {
        long now = sim.now();
        c.overheadDone = now + readMissOverhead();
        BufferSegment seg = c.seg;
        boolean enough = true;
        if (c.hit == Hit.PARTIAL) {
            if (!rules.immedTransPartialHit()) {
                int readwater = buf.water(seg, c.count, rules.readWater());
                if (seg.end <= c.lbn || seg.end - c.lbn < Math.min(readwater, c.count)) {
                    enough = false;
                }
            }
        } else if (c.hit != Hit.WHOLE) {
            enough = false;
        }
        if (fw.neverDisconnect() || (enough && currentBus == null
                && pendXfer.isEmpty() && (hda.effectiveHda == null || hda.stoppable(c)))) {
            currentBus = c;
            if (seg != null) {
                buf.setSegment(c);
                seg.outState = BusState.CONTACTING;
            }
            long delay = (c.hit == Hit.NOMATCH ? readMissOverhead() : readHitOverhead()) + fw.dataPrep();
            sendUp(c, Message.READY, delay);
            hda.activateRead(c, false, true);
        } else {
            long delay = readMissOverhead() + (lastRead ? fw.disconnectReadAfterRead() : fw.disconnectReadAfterWrite());
            sendUp(c, Message.DISCONNECT, delay);
            hda.activateRead(c, true, true);
        }
    }

    private void writeArrive(DriveCommand c) {
        long now = sim.now();
        c.overheadDone = now + writeOverhead(c);
        BufferSegment seg = c.seg;
        if (fw.neverDisconnect() || (seg != null && currentBus == null && (rules.prebufferWrites()
                || (pendXfer.isEmpty() && (hda.effectiveHda == null || hda.stoppable(c)))))) {
            long delay;
            Message msg;
            if (c.extraWriteDisconnect) {
                // The drive disconnects before taking any data (observed on the HP C2247A).
                c.overheadDone = now + fw.extradiscCommand() + fw.extradiscSeekDelta();
                extradiscCmd = c;
                msg = Message.DISCONNECT;
                delay = fw.extradiscCommand() + fw.extradiscDisconnect1();
                if (seg != null) {
                    seg.outState = BusState.IDLE;
                }
            } else {
                msg = Message.READY;
                delay = writeOverhead(c) + fw.dataPrep();
                if (seg != null) {
                    seg.outState = BusState.CONTACTING;
                }
            }
            currentBus = c;
            if (seg != null) {
                buf.setSegment(c);
            }
            sendUp(c, msg, delay);
            hda.activateWrite(c, false, true);
        } else {
            c.extraWriteDisconnect = false;
            sendUp(c, Message.DISCONNECT, writeOverhead(c) + fw.disconnectWrite());
            hda.activateWrite(c, true, true);
        }
    }

    // ================================================================ reconnection and transfers

    /** Reconnects to the host if a command has data (or status) to move. */
    void checkBus(DriveCommand c) {
        if (busWait) {
            return;
        }
        DriveCommand next = c;
        long bcount = -1;
        if (c != null) {
            if (effectiveBus != null) {
                if (effectiveBus != c) {
                    next = null;
                }
            } else if (currentBus != null && currentBus != c) {
                next = null;
            }
            if (next != null) {
                bcount = needsBus(next);
                if (bcount < 0) {
                    next = null;
                }
            }
        } else if (effectiveBus != null) {
            bcount = needsBus(effectiveBus);
            if (bcount >= 0) {
                next = effectiveBus;
            }
        } else if (currentBus != null) {
            bcount = needsBus(currentBus);
            if (bcount >= 0) {
                next = currentBus;
            }
        } else {
            // DiskSim's disk_select_bus_request: commands owning the actuator first, then (with
            // write prebuffering) writes whose segment can take data, then writes that can claim one.
            int bestVal = -99;
            boolean bestSetSeg = false;
            for (DriveCommand t : pendXfer) {
                int val = -100;
                long bc = -1;
                boolean setSeg = false;
                if (t.hdaOwned) {
                    bc = needsBus(t);
                    if (bc >= 0) {
                        val = t == hda.effectiveHda ? 9 : t == hda.currentHda ? 8 : 10;
                    }
                } else if (bestVal <= 7 && rules.writeBack() == HddParams.WriteBack.APPENDING && t.hit == Hit.APPEND) {
                    // An appending write under limited write-back ranks next (disk_select_bus_request's 7).
                    bc = needsBus(t);
                    if (bc >= 0) {
                        val = 7;
                    }
                } else if (bestVal <= 2 && rules.prebufferWrites() && !t.read) {
                    if (t.seg != null) {
                        bc = needsBus(t);
                        if (bc >= 0) {
                            val = hda.effectiveHda != null && hda.effectiveHda.seg == t.seg ? 2
                                    : hda.currentHda != null && hda.currentHda.seg == t.seg ? 1 : 0;
                        }
                    } else if (bestVal <= -1) {
                        buf.select(t, false);
                        if (t.seg != null) {
                            t.watermark = buf.water(t.seg, t.count, rules.writeWater());
                            bc = needsBus(t);
                            if (bc >= 0) {
                                val = -1;
                                setSeg = true;
                            } else {
                                t.seg = null;
                                t.hit = Hit.NOMATCH;
                            }
                        }
                    }
                }
                if (val >= bestVal) {
                    if (bestSetSeg) {
                        next.seg = null;
                        next.hit = Hit.NOMATCH;
                    }
                    bestVal = val;
                    bestSetSeg = setSeg;
                    next = t;
                    bcount = bc;
                } else if (setSeg) {
                    t.seg = null;
                    t.hit = Hit.NOMATCH;
                }
            }
            if (bestSetSeg) {
                buf.setSegment(next);
            }
        }
        if (next == null) {
            return;
        }
        if (next != currentBus && next != effectiveBus) {
            pendXfer.remove(next);
        }
        currentBus = effectiveBus = next;
        if (next.read) {
            hda.activateRead(next, false, false);
        } else {
            hda.activateWrite(next, false, false);
        }
        long delay;
        if (extradiscCmd == next) {
            extradiscCmd = null;
            delay = fw.reselectFirst();
        } else {
            delay = next.extraWriteDisconnect ? fw.reselectOther() : fw.reselectFirst();
        }
        if (bcount > 0) {
            delay += fw.dataPrep();
        }
        next.seg.outState = BusState.CONTACTING;
        outState = State.WAIT;
        sendUp(next, Message.RECONNECT, delay);
    }

    /** Sectors {@code c} could move over the bus now (0 = status only), or -1 if it has nothing to do there. */
    private long needsBus(DriveCommand c) {
        if (outState != State.IDLE) {
            return -1;
        }
        BufferSegment seg = c.seg;
        if (seg == null || !c.live || c.completionSent) {
            return -1;
        }
        if (c.read) {
            if (seg.end > c.outLbn && seg.start <= c.outLbn
                    && (seg.end >= c.end || seg.end - c.outLbn >= c.watermark)) {
                return Math.min(seg.end, c.end) - c.outLbn;
            }
            return -1;
        }
        DriveCommand owner = buf.owner(seg, false);
        if (owner == null) {
            owner = c;
        }
        boolean first = c.outLbn == c.lbn && c.hit != Hit.APPEND;
        if (c.inLbn >= c.end || first
                || (seg.end == c.outLbn && seg.end < c.end && seg.end - owner.inLbn < seg.size
                && seg.end - c.inLbn <= c.watermark)) {
            if (first) {
                return Math.min(c.count, seg.size);
            }
            return Math.max(0, Math.min(c.end - c.outLbn, seg.size - seg.end + owner.inLbn));
        }
        return -1;
    }

    /** The host answered a reconnection, or a data transfer ended: move more data, disconnect or complete. */
    private void transferDone(DriveCommand msg) {
        DriveCommand c = effectiveBus;
        if (c == null) {
            c = effectiveBus = currentBus;
        }
        if (c == null) {
            throw new IllegalStateException("transfer without a connected command");
        }
        effectiveBus = c;
        outState = State.TRANSFERRING;
        int r = transferSize(c);
        if (r == -2) {
            outWait = c;
        } else if (r == -1) {
            long delay = c.read ? (lastRead ? fw.disconnectReadAfterRead() : fw.disconnectReadAfterWrite())
                    : (c.extraWriteDisconnect ? fw.extradiscDisconnect2() : fw.disconnectWrite());
            sendUp(c, Message.DISCONNECT, delay);
            outState = State.WAIT;
        } else if (r == 0) {
            requestCompleteBus(c);
        } else {
            startTrans = sim.now();
            blksDone = 0;
            // Sectors beyond the command's host data (a VERIFY's, WRITE SAME's range) cross no bus.
            long paid = Math.min(r, c.hostLeft);
            c.hostLeft -= paid;
            long dur = paid * (c.read ? link.readSectorNs() : link.writeSectorNs());
            c.transferNs += dur;
            c.transferEndsAt = sim.now() + dur;
            if (c.hdaAt < 0) {
                c.transferBeforeHdaNs += dur; // less what is left of it if the media access starts meanwhile
            }
            busSectors += paid;
            if (paid > 0) {
                host.countDma(c.rq, paid << 9);
            }
            DriveCommand cc = c;
            sim.after(dur, () -> transferDone(cc));
        }
    }

    /** Sectors to transfer next: >0 a count, 0 done, -1 disconnect, -2 hold the bus and wait. */
    private int transferSize(DriveCommand c) {
        BufferSegment seg = c.seg;
        if (seg == null) {
            return -2;
        }
        if (c.read) {
            if (seg.outState == BusState.TRANSFERRING) {
                c.outLbn += seg.outCount;
            }
            if (c.outLbn >= c.end) {
                seg.outState = BusState.IDLE;
                return 0;
            }
            if (seg.end > c.outLbn) {
                seg.outState = BusState.TRANSFERRING;
                seg.outCount = (int) (Math.min(seg.end, c.end) - c.outLbn);
                return seg.outCount;
            }
            if (fw.holdBusRead() || fw.neverDisconnect()) {
                seg.outState = BusState.TRANSFERRING;
                seg.outCount = 0;
                return -2;
            }
            seg.outState = BusState.IDLE;
            return -1;
        }
        if (c.outLbn == c.end && c.inLbn >= c.outLbn) {
            seg.outState = BusState.IDLE;
            return 0;
        }
        DriveCommand owner = buf.owner(seg, false);
        if (owner == null) {
            owner = c;
        }
        if (seg.outState == BusState.TRANSFERRING) {
            c.outLbn += seg.outCount;
            if (c.lbn < seg.start) {
                seg.start = c.lbn;
            }
            if (c.outLbn > seg.end) {
                seg.end = c.outLbn;
            }
            seg.wrap(seg.end);
            if (c.outLbn >= c.end) {
                seg.outState = BusState.IDLE;
                return c.writeBack ? 0 : -1;
            }
        }
        seg.outState = BusState.TRANSFERRING;
        seg.outCount = (int) Math.min(seg.size - (c.outLbn - owner.inLbn), c.end - c.outLbn);
        if ((!c.segOwned && seg.end < c.outLbn) || seg.outCount <= 0) {
            if (fw.holdBusWrite() || fw.neverDisconnect()) {
                seg.outState = BusState.TRANSFERRING;
                seg.outCount = 0;
                return -2;
            }
            seg.outState = BusState.IDLE;
            return -1;
        }
        return seg.outCount;
    }

    /**
     * While data streams over the bus, account the sectors moved by {@code time} (sector-granular;
     * applying it twice for the same time changes nothing).
     */
    void updateOutBuffer(BufferSegment seg, long time) {
        DriveCommand c = effectiveBus;
        if (c == null || c.seg != seg || outWait != null) {
            return;
        }
        long per = c.read ? link.readSectorNs() : link.writeSectorNs();
        long blks = per == 0 ? seg.outCount : (time - startTrans) / per;
        int moved = (int) Math.min(seg.outCount, blks - blksDone);
        if (moved <= 0) {
            return;
        }
        blksDone += moved;
        c.outLbn += moved;
        seg.outCount -= moved;
        if (c.outLbn > seg.end) {
            seg.end = c.outLbn;
        }
        seg.wrap(seg.end);
    }

    /** All data moved: send completion after the completion overhead (DiskSim's disk_request_complete). */
    private void requestCompleteBus(DriveCommand c) {
        lastRead = c.read;
        c.completionSent = true;
        BufferSegment seg = c.seg;
        if (c.read) {
            sched.mediaDone(c);
            if (rules.keepRequestData() == -1 && seg.reqs.size() == 1 && c.outLbn <= seg.end) {
                seg.start = c.outLbn;
            }
            if ((c == hda.effectiveHda || c == hda.currentHda) && seg.accType == BufferSegment.Access.NONE) {
                hda.releaseHda(c);
            }
        } else if ((c == hda.effectiveHda || c == hda.currentHda) && seg.accType == BufferSegment.Access.NONE) {
            hda.releaseHda(c);
        }
        sendUp(c, Message.COMPLETION, c.read ? fw.readComplete() : fw.writeComplete());
        outState = State.WAIT;
    }

    /** The host took a disconnect: free the bus and look for other bus work. */
    private void disconnected(DriveCommand msg) {
        DriveCommand c = effectiveBus;
        effectiveBus = null;
        busOwned = false;
        outState = busWait ? State.WAIT : State.IDLE;
        if (c == currentBus) {
            if (c.extraWriteDisconnect && extradiscCmd == c) {
                // Reconnect for the data after the inter-disconnect delay.
                sim.after(fw.extradiscInterDisconnect(), () -> checkBus(c));
            } else {
                currentBus = null;
                pendXfer.add(0, c);
                checkBus(null);
            }
        } else {
            pendXfer.add(0, c);
            checkBus(null);
        }
        deliverWaitingCommands();
    }

    /** The host acknowledged completion: the command's bus work is over (DiskSim's disk_completion). */
    private void completionAcked(DriveCommand msg) {
        DriveCommand c = effectiveBus;
        BufferSegment seg = c.seg;
        c.completionReceived = true;
        effectiveBus = null;
        if (c == currentBus) {
            currentBus = null;
        }
        busOwned = false;
        outState = State.IDLE;
        if (c.read) {
            c.live = false;
            if (c == hda.effectiveHda || c == hda.currentHda) {
                if (seg.accType == BufferSegment.Access.NONE) {
                    hda.releaseHda(c);
                } else {
                    hda.checkPrefetchSwap();
                }
            } else {
                BufferCache.leave(c);
                if (!seg.reqs.isEmpty()) {
                    buf.findNewOwner(seg);
                } else if (!rules.enableCache()) {
                    seg.state = BufferSegment.State.EMPTY;
                }
            }
        } else if (c.inLbn >= c.end) {
            if (c == hda.effectiveHda || c == hda.currentHda) {
                hda.releaseHda(c);
            } else {
                c.live = false;
                BufferCache.leave(c);
                if (!seg.reqs.isEmpty()) {
                    buf.findNewOwner(seg);
                }
            }
        } else if (c.segOwned) {
            // Write-back: the media write carries on in the background.
            seg.accBackground = true;
        }
        hda.checkHda(null, true);
        checkBus(null);
        deliverWaitingCommands();
    }
}
