package io.stacksim.devices.latency;

import io.stacksim.block.Request;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.device.DeviceLimits;
import io.stacksim.devices.BlockDeviceBase;
import io.stacksim.devices.DeviceKind;
import io.stacksim.devices.LimitsReader;
import io.stacksim.devices.dma.HostLink;
import io.stacksim.engine.RandomStream;
import io.stacksim.engine.Stats;
import java.util.ArrayDeque;

/**
 * A device whose media time is drawn from a distribution, served by {@code servers} parallel
 * units in arrival order, with data crossing a {@link HostLink}: reads transfer after the
 * media work, writes before it. The simplest honest device, and the one the queueing-theory
 * validation drives (one server, exponential or deterministic service).
 */
public final class LatencyDevice extends BlockDeviceBase {
    static final Tunable<String> READ_TIME = Tunable.text("read_time", "const:100us")
            .range("const:T, exp:MEAN, erlang:K:MEAN, uniform:LO:HI, lognormal:MEAN:CV, h2:MEAN:SCV, empirical:T0,..,Tn")
            .help("media time of a read, drawn from the distribution");
    static final Tunable<String> WRITE_TIME = Tunable.text("write_time", "const:100us")
            .range("as read_time").help("media time of a write");
    static final Tunable<Integer> SERVERS = Tunable.integer("servers", 1, 1, 1 << 20)
            .help("parallel units; a request waits in arrival order for a free one");
    static final Tunable<Double> LINK_BANDWIDTH = Tunable.rate("link_bandwidth", 3.938e9)
            .range("a rate, or 0 for no transfer time").help("host-link bandwidth: reads transfer after the media"
                    + " work, writes before it");
    static final Tunable<Long> LINK_SETUP = Tunable.duration("link_setup", 0, 1)
            .help("set-up time of each transfer on the link");
    static final Tunable<Long> COMMAND_OVERHEAD = Tunable.duration("command_overhead", 0, 1)
            .help("controller time per command before the media work");
    static final Tunable<String> FLUSH_TIME = Tunable.text("flush_time", "")
            .range("as read_time; empty = write_time").help("time of a cache flush");
    static final Tunable<Double> WRITE_LINK_BANDWIDTH = Tunable.rate("write_link_bandwidth", 0)
            .range("a rate, or 0 for the same link as reads").help("host-to-device direction's own bandwidth");
    static final Tunable<String> READ_LOAD = Tunable.text("read_load", "")
            .range("DEPTH:IOPS,.. or SIZE@DEPTH:IOPS,..;SIZE@..; empty = none")
            .help("reads as a flow-equivalent server: the measured throughput at each depth (and size)");
    static final Tunable<String> WRITE_LOAD = Tunable.text("write_load", "").range("as read_load")
            .help("writes as a flow-equivalent server");
    static final Tunable<Double> LOAD_SCV = Tunable.number("load_scv", 1, 1, 1000)
            .help("squared CV of the waiting that load adds (hyperexponential; 1 = exponential)");
    static final Tunable<String> STALL_TIME = Tunable.text("stall_time", "")
            .range("as read_time; empty = never stalls")
            .help("length of each period the device's dispatcher is off the CPU (a loop worker or a hypervisor's I/O"
                    + " thread descheduled): requests that arrive meanwhile wait for its end");
    static final Tunable<Double> STALL_SHARE = Tunable.number("stall_share", 0, 0, 0.99)
            .help("long-run share of time the dispatcher is stalled; the periods between stalls are exponential");
    static final Tunable<String> WAKE_TIME = Tunable.text("wake_time", "")
            .range("as read_time; empty = completions never wait for a wake-up")
            .help("run-queue wait of the task reaping completions when a completion wakes it (try_to_wake_up,"
                    + " kernel/sched/core.c); completions arriving meanwhile are reaped with it");
    static final Tunable<Double> WAKE_SHARE = Tunable.number("wake_share", 0, 0, 1)
            .help("share of those wake-ups that wait wake_time (the others run at once)");
    static final Tunable<Double> WAKE_SHARE_QD32 = Tunable.number("wake_share_qd32", -1, -1, 1)
            .range("a share, or -1 for wake_share").help("share of the reaper's wake-ups that wait when 32 requests or more"
                    + " are outstanding (linear in between from wake_share at 1): a reaper kept busy by a deep queue has"
                    + " less lag left when it wakes (place_entity, kernel/sched/fair.c)");
    static final Tunable<Long> WAKE_HOLD = Tunable.duration("wake_hold", 0, 1)
            .help("how long a woken task stays awake per completion it takes (its own work on each: no wake-up"
                    + " is needed for a completion arriving meanwhile)");
    static final Tunable<String> WRITE_WAKE_TIME = Tunable.text("write_wake_time", "")
            .range("as read_time; empty = none")
            .help("run-queue wait of the worker completing writes before the reaper sees them (a direct write's"
                    + " completion is punted to s_dio_done_wq, fs/iomap/direct-io.c; reads complete inline)");
    static final Tunable<Double> WRITE_WAKE_SHARE = Tunable.number("write_wake_share", 0, 0, 1)
            .help("share of the write-completion worker's wake-ups that wait write_wake_time");
    static final Tunable<String> SEQ_READ_LOAD = Tunable.text("seq_read_load", "").range("as read_load; empty = read_load")
            .help("sequential reads (starting where a recent read ended) as a flow-equivalent server of their own:"
                    + " the host's readahead on a file-backed disk (mm/readahead.c) serves them differently");
    static final Tunable<String> SEQ_WRITE_LOAD = Tunable.text("seq_write_load", "").range("as read_load; empty = write_load")
            .help("sequential writes as a flow-equivalent server of their own");

    /** The {@code latency} kind's own parameters. */
    public static final ConfigSection PARAMS = ConfigSection.of("device", "`kind: latency` devices (`device`)",
            READ_TIME, WRITE_TIME, SERVERS, LINK_BANDWIDTH, LINK_SETUP, COMMAND_OVERHEAD, FLUSH_TIME,
            WRITE_LINK_BANDWIDTH, READ_LOAD, WRITE_LOAD, LOAD_SCV, STALL_TIME, STALL_SHARE, WAKE_TIME, WAKE_SHARE,
            WAKE_SHARE_QD32, WAKE_HOLD, WRITE_WAKE_TIME, WRITE_WAKE_SHARE, SEQ_READ_LOAD, SEQ_WRITE_LOAD)
            .intro("A device whose media time is drawn from a distribution, served by `servers` parallel units in"
                    + " arrival order, with the data crossing a host link.");

    /** The {@code latency} kind, registered in {@link io.stacksim.devices.DeviceKinds#ALL}. */
    public static final DeviceKind KIND = DeviceKind.block("latency", "sda", LatencyDevice::build).withParams(PARAMS);

    private final ServiceTime readTime;
    private final ServiceTime writeTime;
    private final int servers;
    private final double linkBytesPerSec;
    private final long linkSetupNs;
    private final long commandOverheadNs;
    private final ServiceTime flushTime;

    private HostLink link;
    private HostLink writeLink;
    private LoadCurve.Sized readLoad;
    private LoadCurve.Sized writeLoad;
    private LoadCurve.Sized seqReadLoad;
    private LoadCurve.Sized seqWriteLoad;
    /** End sectors of the last {@value #SEQ_WINDOW} reads and writes, for sequential detection. */
    private final long[][] recentEnds = {new long[SEQ_WINDOW], new long[SEQ_WINDOW]};
    private final int[] recentNext = new int[2];
    private long sequential;
    private ServiceTime wakeTime;
    private double wakeShare;
    private double wakeShareDeep = -1;
    /** Requests submitted and not yet completed to the host. */
    private int outstanding;
    private long wakeHoldNs;
    private ServiceTime writeWakeTime;
    private double writeWakeShare;
    private WakeStage reaper;
    private WakeStage writeDone;
    private double waitScv = 1;
    private double writeLinkBytesPerSec;
    private RandomStream random;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private ServiceTime stallTime;
    private double stallShare;
    private RandomStream stallRandom;
    /** The current or next stall, [stallStart, stallEnd); generated lazily, so an idle device schedules nothing. */
    private long stallStart;
    private long stallEnd;
    private boolean resumeScheduled;
    private long stalls;
    private int busy;
    private long served;
    private long mediaBusyNs;

    /**
     * @param servers            parallel units; a request waits in arrival order for a free one
     * @param linkBytesPerSec    host-link bandwidth; 0 = no transfer time
     * @param commandOverheadNs  controller time per command before media work
     */
    public LatencyDevice(String name, DeviceLimits limits, ServiceTime readTime, ServiceTime writeTime,
                         int servers, double linkBytesPerSec, long linkSetupNs, long commandOverheadNs) {
        this(name, limits, readTime, writeTime, writeTime, servers, linkBytesPerSec, linkSetupNs, commandOverheadNs);
    }

    /** As above, with its own time for a cache flush ({@code flushTime}; the write time by default). */
    public LatencyDevice(String name, DeviceLimits limits, ServiceTime readTime, ServiceTime writeTime, ServiceTime flushTime,
                         int servers, double linkBytesPerSec, long linkSetupNs, long commandOverheadNs) {
        super(name, limits);
        this.flushTime = flushTime;
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be >= 1");
        }
        this.readTime = readTime;
        this.writeTime = writeTime;
        this.servers = servers;
        this.linkBytesPerSec = linkBytesPerSec;
        this.linkSetupNs = linkSetupNs;
        this.commandOverheadNs = commandOverheadNs;
    }

    /** The device a {@code kind: latency} profile describes. */
    static LatencyDevice build(String devName, ConfigNode p) {
        ServiceTime write = service(p, WRITE_TIME);
        LatencyDevice d = new LatencyDevice(devName, LimitsReader.read(p),
                service(p, READ_TIME), write, FLUSH_TIME.read(p).isEmpty() ? write : service(p, FLUSH_TIME),
                SERVERS.read(p),
                LINK_BANDWIDTH.isSet(p) && p.string(LINK_BANDWIDTH.name(), "0").equals("0") ? 0 : LINK_BANDWIDTH.read(p),
                LINK_SETUP.read(p),
                COMMAND_OVERHEAD.read(p));
        double wl = !WRITE_LINK_BANDWIDTH.isSet(p) || p.string(WRITE_LINK_BANDWIDTH.name(), "0").equals("0") ? 0
                : WRITE_LINK_BANDWIDTH.read(p);
        d.setWriteLinkBandwidth(wl);
        d.setLoadCurves(load(p, READ_LOAD), load(p, WRITE_LOAD), LOAD_SCV.read(p));
        if (!STALL_TIME.read(p).isEmpty() && STALL_SHARE.read(p) > 0) {
            d.setStalls(service(p, STALL_TIME), STALL_SHARE.read(p));
        }
        d.setSequentialLoadCurves(load(p, SEQ_READ_LOAD), load(p, SEQ_WRITE_LOAD));
        d.setWakeUps(WAKE_TIME.read(p).isEmpty() ? null : service(p, WAKE_TIME), WAKE_SHARE.read(p), WAKE_HOLD.read(p),
                WRITE_WAKE_TIME.read(p).isEmpty() ? null : service(p, WRITE_WAKE_TIME), WRITE_WAKE_SHARE.read(p));
        if (WAKE_SHARE_QD32.read(p) >= 0) {
            d.setDeepWakeShare(WAKE_SHARE_QD32.read(p));
        }
        return d;
    }

    private static LoadCurve.Sized load(ConfigNode p, Tunable<String> t) {
        String spec = t.read(p);
        try {
            return spec.isEmpty() ? null : LoadCurve.Sized.parse(spec);
        } catch (IllegalArgumentException e) {
            throw t.error(p, e.getMessage());
        }
    }

    private static ServiceTime service(ConfigNode p, Tunable<String> t) {
        String spec = t.read(p);
        try {
            return ServiceTime.parse(spec);
        } catch (IllegalArgumentException e) {
            throw t.error(p, e.getMessage());
        }
    }

    @Override
    protected void attached() {
        this.link = new HostLink(host.sim(), linkBytesPerSec, linkSetupNs);
        this.writeLink = writeLinkBytesPerSec > 0 ? new HostLink(host.sim(), writeLinkBytesPerSec, linkSetupNs) : link;
        this.random = host.random().stream("device." + name + ".service");
        this.stallRandom = host.random().stream("device." + name + ".stall");
        if (wakeTime != null && (wakeShare > 0 || wakeShareDeep > 0)) {
            reaper = new WakeStage(host.sim(), wakeTime, wakeShare, wakeShareDeep >= 0 ? wakeShareDeep : wakeShare,
                    () -> outstanding, wakeHoldNs, host.random().stream("device." + name + ".wake"));
        }
        if (writeWakeTime != null && writeWakeShare > 0) {
            writeDone = new WakeStage(host.sim(), writeWakeTime, writeWakeShare, wakeHoldNs,
                    host.random().stream("device." + name + ".write_wake"));
        }
    }

    /**
     * Sequential requests (those starting where one of the last {@value #SEQ_WINDOW} of their
     * direction ended) follow curves of their own; null = the direction's curve. On a disk that
     * is a file on the host, the host's readahead serves a sequential stream from its page cache
     * (mm/readahead.c, page_cache_sync_ra: an access at the previous one's end is sequential).
     * Before attaching.
     */
    public void setSequentialLoadCurves(LoadCurve.Sized reads, LoadCurve.Sized writes) {
        this.seqReadLoad = reads;
        this.seqWriteLoad = writes;
    }

    /**
     * The wake-ups on the completion path ({@link WakeStage}): the reaper's for every request
     * ({@code time} with probability {@code share}; null = none) and, for writes before it, the
     * write-completion worker's. {@code holdNs}: how long either stays awake per request it
     * handles. Before attaching.
     */
    public void setWakeUps(ServiceTime time, double share, long holdNs, ServiceTime writeTime, double writeShare) {
        if (!(share >= 0 && share <= 1 && writeShare >= 0 && writeShare <= 1)) {
            throw new IllegalArgumentException("wake shares must be in [0, 1]");
        }
        this.wakeTime = time;
        this.wakeShare = share;
        this.wakeHoldNs = holdNs;
        this.writeWakeTime = writeTime;
        this.writeWakeShare = writeShare;
    }

    /** The reaper's wake share with 32 or more requests outstanding (linear from the depth-1 share). Before attaching. */
    public void setDeepWakeShare(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("wake_share_qd32 must be in [0, 1]");
        }
        this.wakeShareDeep = share;
    }

    /** How many recent requests per direction sequential detection remembers (one per stream, as fio's jobs). */
    static final int SEQ_WINDOW = 8;

    /** True when {@code rq} starts where a recent request of its direction ended; remembers its end. */
    private boolean sequential(Request rq) {
        int d = rq.isWrite() ? 1 : 0;
        long[] ends = recentEnds[d];
        boolean seq = false;
        for (long e : ends) {
            if (e != 0 && e == rq.sector) {
                seq = true;
                break;
            }
        }
        ends[recentNext[d]] = rq.sector + rq.bytes() / 512;
        recentNext[d] = (recentNext[d] + 1) % ends.length;
        return seq;
    }

    /**
     * Makes the dispatcher stall: off for periods drawn from {@code time}, on for exponential
     * periods in between, off {@code share} of the time in the long run. A request that arrives
     * (or reaches the head of the queue) while it is off waits for the period's end; requests
     * already in service go on. This is how a loop device's worker thread, or a virtual disk's
     * I/O thread on a shared host, behaves when other tasks hold its CPU: the kernel's
     * queue_work() only makes the worker runnable, and it submits nothing until it runs again
     * (drivers/block/loop.c, loop_queue_work). Before attaching.
     */
    public void setStalls(ServiceTime time, double share) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("stall_share must be in (0, 1)");
        }
        this.stallTime = time;
        this.stallShare = share;
    }

    /** When the dispatcher can next start a request, at or after {@code now}. */
    private long dispatchableAt(long now) {
        if (stallTime == null) {
            return now;
        }
        while (stallEnd <= now) {
            double upMean = stallTime.mean() * (1 - stallShare) / stallShare;
            stallStart = stallEnd + Math.round(stallRandom.exponential(upMean));
            stallEnd = stallStart + Math.max(1, stallTime.sample(stallRandom));
            stalls++;
        }
        return now >= stallStart ? stallEnd : now;
    }

    @Override
    public void submit(Request rq) {
        outstanding++;
        if (waiting.isEmpty() && busy < servers && (stallTime == null || dispatchableAt(host.sim().now()) == host.sim().now())) {
            start(rq);
        } else {
            waiting.addLast(rq);
            drain();
        }
    }

    /** Starts waiting requests while units are free and the dispatcher is on; else waits for the stall's end. */
    private void drain() {
        if (waiting.isEmpty() || busy >= servers) {
            return;
        }
        long now = host.sim().now();
        long at = dispatchableAt(now);
        if (at > now) {
            if (!resumeScheduled) {
                resumeScheduled = true;
                host.sim().after(at - now, () -> {
                    resumeScheduled = false;
                    drain();
                });
            }
            return;
        }
        while (busy < servers && !waiting.isEmpty()) {
            start(waiting.pollFirst());
        }
    }

    private void start(Request rq) {
        busy++;
        long now = host.sim().now();
        rq.devQueueNs = now - rq.tDispatched;
        boolean moves = rq.op.hasData() && linkBytesPerSec > 0;
        if (rq.isWrite() && moves) {
            transfer(rq, now, () -> media(rq));
        } else {
            media(rq);
        }
    }

    /**
     * Gives writes a link of their own at {@code bytesPerSec} (a full-duplex link whose two
     * directions run at different rates, as a calibrated device's reads and writes do); before
     * the device is attached.
     */
    public void setWriteLinkBandwidth(double bytesPerSec) {
        this.writeLinkBytesPerSec = bytesPerSec;
    }

    /**
     * Makes the service time grow with the requests in service as measured ({@link LoadCurve},
     * a flow-equivalent server), per direction; null = independent of load. Before attaching.
     */
    public void setLoadCurves(LoadCurve.Sized reads, LoadCurve.Sized writes) {
        setLoadCurves(reads, writes, 1);
    }

    /**
     * As above; the time load adds beyond a request's own service (its size's time at depth 1)
     * is waiting, drawn from a balanced two-phase hyperexponential of squared coefficient of
     * variation {@code waitScv} (1: exponential) whose mean follows the curve.
     */
    public void setLoadCurves(LoadCurve.Sized reads, LoadCurve.Sized writes, double waitScv) {
        if (!(waitScv >= 1)) {
            throw new IllegalArgumentException("load_scv must be >= 1");
        }
        this.readLoad = reads;
        this.writeLoad = writes;
        this.waitScv = waitScv;
    }

    /** Moves the request's data over the link; waiting for the link counts as device queueing. */
    private void transfer(Request rq, long now, io.stacksim.engine.Event then) {
        HostLink l = rq.isWrite() ? writeLink : link;
        long end = l.transfer(rq.bytes(), then);
        long dur = l.transferTime(rq.bytes());
        rq.devTransferNs = dur;
        rq.devQueueNs += (end - now) - dur;
        host.countDma(rq, rq.bytes());
    }

    private void media(Request rq) {
        ServiceTime dist = rq.op == io.stacksim.block.Op.FLUSH ? flushTime : rq.isWrite() ? writeTime : readTime;
        long t = commandOverheadNs + (rq.op.hasData() || rq.op == io.stacksim.block.Op.FLUSH ? dist.sample(random) : 0);
        LoadCurve.Sized load = rq.op == io.stacksim.block.Op.FLUSH ? null : rq.isWrite() ? writeLoad : readLoad;
        if (load != null) {
            long own = t - commandOverheadNs;
            // the service times are the smallest random request's at depth 1: every curve is relative to it
            double ref = load.curves()[0].throughput(1);
            LoadCurve.Sized seq = rq.isWrite() ? seqWriteLoad : seqReadLoad;
            if (seq != null && rq.op.hasData() && sequential(rq)) {
                load = seq;
                sequential++;
            }
            double alone = load.multiplier(1, rq.bytes(), ref);
            double wait = dist.mean() * (load.multiplier(busy, rq.bytes(), ref) - alone);
            t = commandOverheadNs + Math.round(own * alone + (wait > 0 ? new ServiceTime.HyperExp(wait, waitScv).sample(random) : 0));
        }
        rq.devMediaNs = t - commandOverheadNs;
        mediaBusyNs += t;
        host.sim().after(t, () -> mediaDone(rq));
    }

    private void mediaDone(Request rq) {
        long now = host.sim().now();
        // The unit is free once the media work is done; the read's transfer uses the link.
        busy--;
        drain();
        if (!rq.isWrite() && rq.op.hasData() && linkBytesPerSec > 0) {
            transfer(rq, now, () -> finish(rq));
        } else {
            finish(rq);
        }
    }

    private void finish(Request rq) {
        if (writeDone != null && rq.isWrite()) {
            writeDone.arrive(rq, this::reap);
        } else {
            reap(rq);
        }
    }

    private void reap(Request rq) {
        if (reaper != null) {
            reaper.arrive(rq, this::complete);
        } else {
            complete(rq);
        }
    }

    private void complete(Request rq) {
        outstanding--;
        served++;
        host.complete(rq);
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> served);
        if (stallTime != null) {
            stats.counter(prefix + "stalls", () -> stalls);
        }
        if (seqReadLoad != null || seqWriteLoad != null) {
            stats.counter(prefix + "sequential", () -> sequential);
        }
        if (reaper != null) {
            stats.counter(prefix + "wakeups", () -> reaper.wakeups());
            stats.counter(prefix + "wakeup_waits", () -> reaper.waits());
        }
        if (writeDone != null) {
            stats.counter(prefix + "write_wakeups", () -> writeDone.wakeups());
            stats.counter(prefix + "write_wakeup_waits", () -> writeDone.waits());
        }
        stats.gauge(prefix + "media_busy_ms", () -> mediaBusyNs / 1e6);
        stats.gauge(prefix + "link_busy_ms", () -> (link.busyNs() + (writeLink != link ? writeLink.busyNs() : 0)) / 1e6);
    }
}
