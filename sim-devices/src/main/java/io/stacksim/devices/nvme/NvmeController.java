package io.stacksim.devices.nvme;

import io.stacksim.block.Request;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.BlockDeviceBase;
import io.stacksim.devices.dma.LinkSpec;
import io.stacksim.devices.dma.ScatterGather;
import io.stacksim.devices.dma.SharedLink;
import io.stacksim.devices.ssd.FlashBackend;
import io.stacksim.devices.ssd.SsdCommand;
import io.stacksim.devices.ssd.SsdConfig;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * An NVMe SSD: the {@link FlashBackend} behind an NVMe host interface on a PCIe link.
 *
 * <p>Per command (NVM Express Base Specification 1.4, s7.2 "Processing a command"): the driver
 * writes the submission queue entry and rings the SQ tail doorbell; the controller fetches the
 * 64-byte entry by DMA ({@code doorbell}: the posted doorbell write plus the fetch round trip),
 * and, when the data needs more than PRP1/PRP2, the PRP list ({@code prp_list_fetch}). The
 * firmware then takes {@code command_overhead} on one of the controller's cores. Write data is
 * pulled from host memory; read data is pushed as each flash page arrives. At the end the
 * controller writes the 16-byte completion entry and signals MSI-X ({@code cq_post}), or holds
 * the interrupt under {@link InterruptCoalescing}.
 *
 * <p>Queue pairs: one per hardware queue; blk-mq maps each CPU to one (here CPU mod
 * hw_queues), each submission queue holds up to {@code queue_depth} commands (the spec allows
 * 65,536 entries; Linux's io_queue_depth defaults to 1024). Command fetch (NVMe 1.4 s4.11
 * "Command Arbitration"): the controller's fetch engine picks the submission queues with new
 * entries round-robin and takes up to {@code arbitration_burst} entries (AB, Set Features 01h)
 * from the chosen one per fetch; it starts a fetch every {@code sqe_fetch_interval} (fetches
 * are pipelined PCIe reads), each arriving {@code doorbell} after it starts. The PCIe link is full
 * duplex and the transfers in flight share each direction ({@link SharedLink}).
 */
public final class NvmeController extends BlockDeviceBase implements SsdCommand.Stages, FlashBackend.HostInterface {
    private static final int FIRMWARE = 1;
    private static final int DATA_IN = 2;
    private static final int POSTED = 3;

    private final SsdConfig cfg;
    private final LinkSpec pcie;
    private final long dmaSetupNs;
    private final long doorbellNs;
    private final long cqPostNs;
    private final ScatterGather sg;
    private final InterruptCoalescing coalescing;
    private int arbitrationBurst = 1;
    private long fetchIntervalNs = 0;
    /** The arbiter's position: the queue after the one it served last. */
    private int arbiterNext;
    /** Entries rung but not yet fetched, over all queues. */
    private int toFetchTotal;
    private long nextFetchAt;
    private boolean fetchScheduled;
    private final io.stacksim.engine.Event fetchTurn = this::fetchTurn;

    private SharedLink link;
    private FlashBackend backend;
    private QueuePair[] queues;
    private final ArrayDeque<SsdCommand> pool = new ArrayDeque<>();
    private long commands;
    private long interrupts;

    /**
     * @param pcie        the PCIe link (generation, lanes, Max_Payload_Size)
     * @param dmaSetupNs  latency before each DMA transfer moves data
     * @param doorbellNs  doorbell write reaching the controller plus the SQE fetch round trip
     * @param cqPostNs    completion entry write plus the MSI-X message
     * @param sg          PRP limits (max_segments) and the PRP list fetch latency
     */
    public NvmeController(String name, DeviceLimits limits, SsdConfig cfg, LinkSpec pcie, long dmaSetupNs,
                          long doorbellNs, long cqPostNs, ScatterGather sg, InterruptCoalescing coalescing) {
        super(name, limits);
        this.cfg = cfg;
        this.pcie = pcie;
        this.dmaSetupNs = dmaSetupNs;
        this.doorbellNs = doorbellNs;
        this.cqPostNs = cqPostNs;
        this.sg = sg;
        this.coalescing = coalescing;
    }

    public FlashBackend backend() {
        return backend;
    }

    public SharedLink link() {
        return link;
    }

    @Override
    protected void attached() {
        this.link = new SharedLink(sim, pcie, dmaSetupNs);
        this.backend = new FlashBackend(sim, cfg, cfg.newFtl(host.random().stream("device." + name + ".precondition"),
                host.random().stream("device." + name + ".gc")), link, this,
                host.random().stream("device." + name + ".nand").nextLong(Long.MAX_VALUE));
        this.queues = new QueuePair[limits.hwQueues()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueuePair(i);
        }
    }

    /**
     * Sets the fetch engine: {@code burst} entries per fetch from one submission queue, one fetch
     * started every {@code intervalNs}. Before the controller is attached.
     */
    public void setCommandFetch(int burst, long intervalNs) {
        if (burst < 1 || intervalNs < 0) {
            throw new IllegalArgumentException("arbitration burst must be >= 1 and the fetch interval >= 0");
        }
        this.arbitrationBurst = burst;
        this.fetchIntervalNs = intervalNs;
    }

    @Override
    public void submit(Request rq) {
        if (rq.op != io.stacksim.block.Op.DISCARD) {
            sg.check(rq); // a discard's ranges are a list in host memory, not a data scatter list
        }
        QueuePair qp = queues[Math.floorMod(rq.cpu, queues.length)];
        if (qp.outstanding >= limits.queueDepth()) {
            qp.overflow.addLast(rq); // the submission queue is full: the entry waits for a slot
        } else {
            ring(qp, rq);
        }
    }

    /** The entry is in the submission queue and the doorbell rung: it waits for the fetch engine. */
    private void ring(QueuePair qp, Request rq) {
        qp.outstanding++;
        qp.toFetch.addLast(rq);
        toFetchTotal++;
        if (!fetchScheduled) {
            if (sim.now() >= nextFetchAt) {
                fetchTurn();
            } else {
                fetchScheduled = true;
                sim.schedule(nextFetchAt, fetchTurn);
            }
        }
    }

    /** Round-robin arbitration: one fetch of up to a burst of entries from the next queue holding some. */
    private void fetchTurn() {
        fetchScheduled = false;
        if (toFetchTotal == 0) {
            return;
        }
        QueuePair qp = null;
        for (int k = 0; k < queues.length; k++) {
            QueuePair q = queues[(arbiterNext + k) % queues.length];
            if (!q.toFetch.isEmpty()) {
                qp = q;
                break;
            }
        }
        arbiterNext = (qp.id + 1) % queues.length;
        for (int i = 0; i < arbitrationBurst && !qp.toFetch.isEmpty(); i++) {
            toFetchTotal--;
            issue(qp, qp.toFetch.pollFirst());
        }
        nextFetchAt = sim.now() + fetchIntervalNs;
        if (toFetchTotal > 0) {
            fetchScheduled = true;
            sim.schedule(nextFetchAt, fetchTurn);
        }
    }

    private void issue(QueuePair qp, Request rq) {
        commands++;
        SsdCommand c = pool.pollFirst();
        if (c == null) {
            c = SsdCommand.create(this);
        }
        c.reset(rq, cfg.geometry().mappingUnit());
        c.queue = qp.id;
        rq.deviceData = c;
        long fetched = sim.now() + doorbellNs + sg.setupNs(rq);
        long done = backend.firmware(fetched);
        rq.devQueueNs = done - fetched - cfg.commandOverheadNs() + (sim.now() - rq.tDispatched);
        c.stage = FIRMWARE;
        sim.schedule(done, c);
    }

    @Override
    public void advance(SsdCommand c) {
        switch (c.stage) {
            case FIRMWARE -> {
                if (c.rq.op == io.stacksim.block.Op.WRITE || c.rq.op == io.stacksim.block.Op.DISCARD) {
                    c.stage = DATA_IN;
                    // A Dataset Management command's range list: 16 bytes per range, one range per bio
                    // (nvme_setup_discard), fetched from host memory like a write's data; a write moves
                    // its host data (none for WRITE SAME with NDOB's media step, one block for WRITE SAME).
                    long bytes = c.rq.op == io.stacksim.block.Op.DISCARD ? 16L * c.rq.nrBios() : c.rq.hostBytes();
                    c.dma.set(bytes, false);
                    if (bytes == 0) {
                        c.dma.tStart = c.dma.tEnd = sim.now();
                        advance(c); // nothing to move: on to the media
                        return;
                    }
                    link.start(c.dma);
                } else {
                    backend.start(c);
                }
            }
            case DATA_IN -> {
                c.transferNs = c.dma.durationNs();
                backend.start(c);
            }
            case POSTED -> complete(c);
            default -> throw new IllegalStateException("NVMe command in stage " + c.stage);
        }
    }

    @Override
    public void backendDone(SsdCommand c) {
        c.stage = POSTED;
        sim.after(cqPostNs, c);
    }

    private void complete(SsdCommand c) {
        Request rq = c.rq;
        rq.devQueueNs += c.queueNs;
        rq.devMediaNs = c.mediaNs;
        rq.devTransferNs = c.transferNs;
        if (rq.op.hasData() && rq.hostBytes() > 0) {
            host.countDma(rq, rq.hostBytes());
        }
        QueuePair qp = queues[c.queue];
        c.rq = null;
        rq.deviceData = null;
        pool.addFirst(c);
        qp.outstanding--;
        if (!qp.overflow.isEmpty()) {
            ring(qp, qp.overflow.pollFirst());
        }
        if (coalescing.enabled()) {
            qp.post(rq);
        } else {
            interrupts++;
            host.complete(rq);
        }
    }

    /** complete() lets go of the request (the command's {@code rq}, its deviceData) before handing it back. */
    @Override
    public boolean forgetsCompletedRequests() {
        return true;
    }

    @Override
    public io.stacksim.device.Transport transport() {
        return io.stacksim.device.Transport.NVME;
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> commands);
        stats.counter(prefix + "interrupts", () -> interrupts);
        stats.gauge(prefix + "link_busy_ms", () -> link.busyNs() / 1e6);
        backend.registerStats(stats, prefix + "ssd.");
    }

    @Override
    public void finishChecks(io.stacksim.engine.Invariants inv) {
        backend.finishChecks(inv, name());
    }

    /** A submission/completion queue pair and its completion queue's interrupt coalescing. */
    private final class QueuePair {
        final int id;
        int outstanding;
        final ArrayDeque<Request> overflow = new ArrayDeque<>();
        final ArrayDeque<Request> toFetch = new ArrayDeque<>();
        final ArrayList<Request> pending = new ArrayList<>();
        Timer timer;
        final io.stacksim.engine.Event timeUp = this::raise;

        QueuePair(int id) {
            this.id = id;
        }

        void post(Request rq) {
            pending.add(rq);
            if (pending.size() >= coalescing.threshold()) {
                raise();
            } else if (pending.size() == 1) {
                timer = sim.timerAfter(coalescing.timeNs(), timeUp);
            }
        }

        void raise() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            if (pending.isEmpty()) {
                return;
            }
            interrupts++;
            host.completeAll(pending);
            pending.clear();
        }
    }
}
