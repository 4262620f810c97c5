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

    /** The {@code latency} kind's own parameters. */
    public static final ConfigSection PARAMS = ConfigSection.of("device", "`kind: latency` devices (`device`)",
            READ_TIME, WRITE_TIME, SERVERS, LINK_BANDWIDTH, LINK_SETUP, COMMAND_OVERHEAD, FLUSH_TIME,
            WRITE_LINK_BANDWIDTH, READ_LOAD, WRITE_LOAD, LOAD_SCV, STALL_TIME, STALL_SHARE)
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
            double alone = load.multiplier(1, rq.bytes());
            double wait = dist.mean() * (load.multiplier(busy, rq.bytes()) - alone);
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
        served++;
        host.complete(rq);
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "commands", () -> served);
        if (stallTime != null) {
            stats.counter(prefix + "stalls", () -> stalls);
        }
        stats.gauge(prefix + "media_busy_ms", () -> mediaBusyNs / 1e6);
        stats.gauge(prefix + "link_busy_ms", () -> (link.busyNs() + (writeLink != link ? writeLink.busyNs() : 0)) / 1e6);
    }
}
