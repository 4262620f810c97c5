package io.stacksim.devices.latency;

import io.stacksim.block.Request;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
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
public final class LatencyDevice implements BlockDevice {
    private final String name;
    private final DeviceLimits limits;
    private final ServiceTime readTime;
    private final ServiceTime writeTime;
    private final int servers;
    private final double linkBytesPerSec;
    private final long linkSetupNs;
    private final long commandOverheadNs;
    private final ServiceTime flushTime;

    private DeviceHost host;
    private HostLink link;
    private HostLink writeLink;
    private LoadCurve.Sized readLoad;
    private LoadCurve.Sized writeLoad;
    private double waitScv = 1;
    private double writeLinkBytesPerSec;
    private RandomStream random;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
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
        this.flushTime = flushTime;
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be >= 1");
        }
        this.name = name;
        this.limits = limits;
        this.readTime = readTime;
        this.writeTime = writeTime;
        this.servers = servers;
        this.linkBytesPerSec = linkBytesPerSec;
        this.linkSetupNs = linkSetupNs;
        this.commandOverheadNs = commandOverheadNs;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    @Override
    public void attach(DeviceHost host) {
        this.host = host;
        this.link = new HostLink(host.sim(), linkBytesPerSec, linkSetupNs);
        this.writeLink = writeLinkBytesPerSec > 0 ? new HostLink(host.sim(), writeLinkBytesPerSec, linkSetupNs) : link;
        this.random = host.random().stream("device." + name + ".service");
    }

    @Override
    public void submit(Request rq) {
        if (busy < servers) {
            start(rq);
        } else {
            waiting.addLast(rq);
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
        Request next = waiting.pollFirst();
        if (next != null) {
            start(next);
        }
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
        stats.gauge(prefix + "media_busy_ms", () -> mediaBusyNs / 1e6);
        stats.gauge(prefix + "link_busy_ms", () -> (link.busyNs() + (writeLink != link ? writeLink.busyNs() : 0)) / 1e6);
    }
}
