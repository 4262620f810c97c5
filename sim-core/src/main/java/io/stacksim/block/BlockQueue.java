package io.stacksim.block;

import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.InterruptController;
import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;

/**
 * A device's request queue and its blk-mq dispatch (block/blk-core.c, block/blk-mq.c):
 * bios come in with {@link #submitBio}, are split to the queue limits, merge or become
 * requests, wait in the scheduler, and go to the device when a driver tag is free.
 *
 * <p>Requests are allocated from {@code nr_requests} scheduler tags; a bio that finds none
 * free waits (blk_mq_get_tag sleeps) and the wait is measured. The device holds at most its
 * hardware queue depth of requests. Completions arrive as interrupts on the submitting CPU
 * (rq_affinity=1), account the request in diskstats and end its bios.
 */
public final class BlockQueue implements DeviceHost {
    private final Simulator sim;
    private final RandomStreams random;
    private final BlockDevice device;
    private final InterruptController irq;
    private final IoScheduler scheduler;
    private final DiskStats diskStats = new DiskStats();
    private final QueueSettings settings;

    private final int maxSectors;
    private final int maxSegments;
    private final int logicalBlockSectors;
    private final int queueDepth;
    private final int nrRequests;

    private final int[] freeTags;
    private int freeTagCount;
    private int requestsAllocated;
    private final ArrayDeque<Bio> waitingForRequest = new ArrayDeque<>();
    private final ArrayDeque<Runnable> requestFreeWaiters = new ArrayDeque<>();
    private final LatencyRecorder requestWait = new LatencyRecorder();
    private long requestWaits;
    private long dmaTransfers;
    private long dmaBytes;
    private long splits;

    public BlockQueue(Simulator sim, RandomStreams random, BlockDevice device, InterruptController irq,
                      QueueSettings settings, IoScheduler scheduler) {
        this.sim = sim;
        this.random = random;
        this.device = device;
        this.irq = irq;
        this.settings = settings;
        this.scheduler = scheduler;
        DeviceLimits lim = device.limits();
        int capSectors = settings.maxSectorsKb() > 0 ? settings.maxSectorsKb() * 2 : 8192;
        this.maxSectors = Math.max(lim.logicalBlockSize() >> 9, Math.min(lim.maxHwSectors(), capSectors));
        this.maxSegments = lim.maxSegments();
        this.logicalBlockSectors = lim.logicalBlockSize() >> 9;
        this.queueDepth = lim.queueDepth() * lim.hwQueues();
        boolean elevator = !scheduler.name().equals("none");
        this.nrRequests = settings.nrRequests() > 0 ? settings.nrRequests()
                : elevator ? 2 * Math.min(lim.queueDepth(), 128) * lim.hwQueues() : queueDepth;
        this.freeTags = new int[queueDepth];
        for (int i = 0; i < queueDepth; i++) {
            freeTags[i] = queueDepth - 1 - i;
        }
        this.freeTagCount = queueDepth;
        scheduler.init(this);
        device.attach(this);
    }

    // ------------------------------------------------------------------ accessors

    @Override
    public Simulator sim() {
        return sim;
    }

    @Override
    public RandomStreams random() {
        return random;
    }

    public BlockDevice device() {
        return device;
    }

    public IoScheduler scheduler() {
        return scheduler;
    }

    public QueueSettings settings() {
        return settings;
    }

    public DiskStats diskStats() {
        return diskStats;
    }

    /** Effective max_sectors (in 512-byte sectors). */
    public int maxSectors() {
        return maxSectors;
    }

    public int maxSegments() {
        return maxSegments;
    }

    /** Effective nr_requests (scheduler tags). */
    public int nrRequests() {
        return nrRequests;
    }

    /** Driver tags: the device's total queue depth. */
    public int queueDepth() {
        return queueDepth;
    }

    /** True when a new request could be allocated now (a submitter would not wait). */
    public boolean hasFreeRequest() {
        return requestsAllocated < nrRequests && waitingForRequest.isEmpty();
    }

    /** Runs {@code k} once a request is freed (or at once if one is free). */
    public void whenRequestFree(Runnable k) {
        if (hasFreeRequest()) {
            k.run();
        } else {
            requestFreeWaiters.addLast(k);
        }
    }

    public int requestsInFlightOnDevice() {
        return queueDepth - freeTagCount;
    }

    // ------------------------------------------------------------------ submission

    /** submit_bio: the entry point of the block layer. */
    public void submitBio(Bio bio) {
        bio.tQueued = sim.now();
        if (bio.endSector() > device.limits().capacitySectors()) {
            throw new IllegalArgumentException("bio beyond end of device: " + bio);
        }
        if (bio.op.hasData() && (bio.sector % logicalBlockSectors != 0 || bio.nrSectors % logicalBlockSectors != 0)) {
            throw new IllegalArgumentException("bio not aligned to the logical block size: " + bio);
        }
        if (bio.op.hasData() && (bio.nrSectors > maxSectors || Request.segmentsOf(bio) > maxSegments)) {
            split(bio);
            return;
        }
        submitSized(bio);
    }

    private void submitSized(Bio bio) {
        if (settings.nomerges() < 2 && bio.op.hasData() && !bio.has(Bio.NOMERGE) && scheduler.bioMerge(bio)) {
            diskStats.merged(bio.op);
            return;
        }
        if (requestsAllocated >= nrRequests) {
            requestWaits++;
            waitingForRequest.addLast(bio);
            return;
        }
        newRequest(bio);
    }

    private void newRequest(Bio bio) {
        long now = sim.now();
        requestsAllocated++;
        int cpu = bio.owner == null ? 0 : bio.owner.cpu();
        Request rq = new Request(bio, cpu, now);
        diskStats.start(now);
        rq.tInserted = now;
        scheduler.insert(rq, bio.op == Op.FLUSH);
        runHwQueue();
    }

    /** bio_split_to_limits: cuts an oversized bio into chained pieces the queue accepts. */
    private void split(Bio bio) {
        int maxBySegments = maxSegments * 8; // page-granular segments of 8 sectors
        int piece = Math.min(maxSectors, maxBySegments);
        piece -= piece % logicalBlockSectors;
        int n = (bio.nrSectors + piece - 1) / piece;
        splits += n - 1;
        BioChain chain = new BioChain(bio, n);
        for (int i = 0; i < n; i++) {
            long start = bio.sector + (long) i * piece;
            int len = (int) Math.min(piece, bio.endSector() - start);
            Bio child = new Bio(start, len, bio.op, bio.flags, bio.priority, bio.owner, chain);
            child.tQueued = bio.tQueued;
            submitSized(child);
        }
    }

    /** Completes the parent of split bios when the last piece ends (bio_chain). */
    private static final class BioChain implements BioEndIo {
        private final Bio parent;
        private int remaining;

        BioChain(Bio parent, int remaining) {
            this.parent = parent;
            this.remaining = remaining;
        }

        @Override
        public void endIo(Bio child) {
            if (child.error != 0) {
                parent.error = child.error;
            }
            if (child.tCompleted >= parent.tCompleted) {
                parent.tDispatched = child.tDispatched;
                parent.tCompleted = child.tCompleted;
                parent.devQueueNs = child.devQueueNs;
                parent.devMediaNs = child.devMediaNs;
                parent.devTransferNs = child.devTransferNs;
            }
            if (--remaining == 0) {
                parent.endIo.endIo(parent);
            }
        }
    }

    /** blk_mq_run_hw_queue: dispatches while the device has free tags and the scheduler has work. */
    public void runHwQueue() {
        while (freeTagCount > 0 && scheduler.hasWork()) {
            Request rq = scheduler.dispatch();
            if (rq == null) {
                break;
            }
            rq.tag = freeTags[--freeTagCount];
            rq.tDispatched = sim.now();
            device.submit(rq);
        }
    }

    // ------------------------------------------------------------------ completion

    @Override
    public void complete(Request rq) {
        rq.tCompleted = sim.now();
        irq.raise(rq.cpu, () -> endRequest(rq));
    }

    /** One interrupt for the whole batch (coalesced completions), on the first request's CPU. */
    @Override
    public void completeAll(java.util.List<Request> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Request[] rqs = batch.toArray(new Request[0]);
        for (Request rq : rqs) {
            rq.tCompleted = sim.now();
        }
        irq.raise(rqs[0].cpu, () -> {
            for (Request rq : rqs) {
                endRequest(rq);
            }
        });
    }

    @Override
    public void countDma(Request rq, long bytes) {
        dmaTransfers++;
        dmaBytes += bytes;
        IoOwner owner = rq.owner();
        if (owner != null) {
            owner.countDma(bytes);
        }
    }

    /** blk_mq_end_request: accounting, free the tags, end the bios, refill the device. */
    private void endRequest(Request rq) {
        long now = sim.now();
        diskStats.done(rq, now);
        scheduler.completed(rq);
        freeTags[freeTagCount++] = rq.tag;
        rq.tag = -1;
        requestsAllocated--;
        for (Bio b = rq.bioHead; b != null; ) {
            Bio next = b.next;
            b.next = null;
            b.tDispatched = rq.tDispatched;
            b.tCompleted = rq.tCompleted;
            b.devQueueNs = rq.devQueueNs;
            b.devMediaNs = rq.devMediaNs;
            b.devTransferNs = rq.devTransferNs;
            b.endIo.endIo(b);
            b = next;
        }
        while (requestsAllocated < nrRequests && !waitingForRequest.isEmpty()) {
            Bio bio = waitingForRequest.pollFirst();
            requestWait.record(now - bio.tQueued);
            newRequest(bio);
        }
        runHwQueue();
        while (!requestFreeWaiters.isEmpty() && hasFreeRequest()) {
            requestFreeWaiters.pollFirst().run();
        }
    }

    /** Called by a scheduler when it merged two queued requests (the later one is gone). */
    public void requestsMerged(Request kept, Request gone) {
        requestsAllocated--;
        diskStats.requestMerged(gone.op, sim.now());
    }

    /** Registers the queue's statistics, the scheduler's and the device's. */
    public void registerStats(Stats stats) {
        diskStats.register(stats, sim::now);
        stats.counter("block.request_waits", () -> requestWaits);
        stats.latency("block.request_wait", requestWait);
        stats.counter("block.splits", () -> splits);
        stats.counter("block.max_sectors", () -> maxSectors);
        stats.counter("block.nr_requests", () -> nrRequests);
        stats.counter("device.dma.transfers", () -> dmaTransfers);
        stats.counter("device.dma.bytes", () -> dmaBytes);
        scheduler.registerStats(stats, "block.sched.");
        device.registerStats(stats, "device.");
    }
}
