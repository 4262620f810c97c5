package io.stacksim.block;

import io.stacksim.engine.LatencyRecorder;
import io.stacksim.engine.Stats;
import io.stacksim.engine.TimeWeighted;
import io.stacksim.engine.Timer;
import java.util.IdentityHashMap;

/**
 * Buffered writeback throttling, block/blk-wbt.c (with the rq_qos hooks of blk-rq-qos.c): a
 * limit on the buffered writes (and discards) a queue has in flight, loosely CoDel.
 *
 * <p>Writes that are not O_DIRECT ({@code REQ_SYNC|REQ_IDLE}) and discards are tracked. Before
 * a tracked bio gets a request (rq_qos_throttle, after the merge attempts) it takes a slot of
 * its wait queue's in-flight count below a limit (get_limit): the full {@code max_depth} for
 * REQ_SYNC/REQ_META writes or when a task was throttled in balance_dirty_pages within the last
 * second, {@code wb_background} for REQ_BACKGROUND writeback or when reads were issued or
 * completed within 100 ms (close_io), {@code wb_normal} otherwise, {@code wb_background} for
 * discards. {@code max_depth} is RWB_DEF_DEPTH (16) at scale step 0, and calc_wb_limits makes
 * wb_normal (max+1)/2 and wb_background (max+3)/4. A bio that finds no slot, or others already
 * waiting, sleeps in FIFO order; a completing write wakes them (wbt_rqw_done) only once the
 * in-flight count drops below the limit - 0 on a device with a volatile write cache unless a
 * task recently waited for dirty pages, so there they wake when every tracked write is done.
 *
 * <p>A timer runs 100 ms windows (win_nsec) while writes are in flight, collecting the
 * issue-to-completion latency of reads and writes (blk_stat); at each window's end
 * (wb_timer_fn) a read minimum above {@code min_lat_nsec} (wbt_lat_usec: 2 ms non-rotational,
 * 75 ms rotational), or a read issued longer ago than the window without completing, scales
 * the depth down (scale_step + 1, depth 1 + (16-1) >> step, window 100/sqrt(step+1) ms); a good
 * window scales it up, and windows with writes but no reads let the step go negative (depth
 * 1 + 15 << -step, up to 3/4 of the queue depth). Schedulers may disable it (bfq_init_queue
 * calls wbt_disable_default; {@link IoScheduler#disablesWbt}); {@code block.wbt_lat_usec: 0}
 * turns it off, another value sets min_lat as a sysfs write does.
 */
final class Wbt {
    static final int TRACKED = 1;
    static final int READ = 2;
    static final int DISCARD = 8;

    private static final int RWQ_BG = 0;
    private static final int RWQ_DISCARD = 2;
    private static final int NUM_RWQ = 3;

    private static final int ON_DEFAULT = 1;
    private static final int ON_MANUAL = 2;
    private static final int OFF_DEFAULT = 3;
    private static final int OFF_MANUAL = 4;

    /** RWB_DEF_DEPTH. */
    static final int DEF_DEPTH = 16;
    /** RWB_WINDOW_NSEC: 100 ms. */
    static final long WINDOW_NS = 100_000_000L;
    /** RWB_MIN_WRITE_SAMPLES. */
    private static final int MIN_WRITE_SAMPLES = 3;
    /** RWB_UNKNOWN_BUMP. */
    private static final int UNKNOWN_BUMP = 5;
    private static final long HZ_NS = 1_000_000_000L;

    private static final int LAT_OK = 1;
    private static final int LAT_UNKNOWN = 2;
    private static final int LAT_UNKNOWN_WRITES = 3;
    private static final int LAT_EXCEEDED = 4;

    /** struct rq_wait: the in-flight count and the sleepers of one class. */
    private static final class RqWait {
        int inflight;
        Bio head;
        Bio tail;
    }

    private final BlockQueue q;
    private final boolean writeCache;
    private int enableState;
    private long minLatNs;
    final RqDepth rqd = new RqDepth();
    int wbNormal;
    int wbBackground;
    private int unknownCnt;
    private long curWinNs = WINDOW_NS;
    private long syncIssue;
    private Request syncCookie;
    /** Last read issue and completion (jiffies in the kernel); long ago at the start. */
    private long lastIssue = Long.MIN_VALUE / 4;
    private long lastComp = Long.MIN_VALUE / 4;
    /** bdi wb->dirty_sleep: when a task last slept in balance_dirty_pages. */
    private long dirtySleep = Long.MIN_VALUE / 4;
    private final RqWait[] rqWait = {new RqWait(), new RqWait(), new RqWait()};
    private final IdentityHashMap<IoOwner, int[]> waitingPerOwner = new IdentityHashMap<>();

    // blk_stat callback: the current window's samples.
    private Timer window;
    private long readSamples;
    private long readMinNs;
    private long writeSamples;

    // statistics
    private long throttled;
    private long windows;
    private long scaleUps;
    private long scaleDowns;
    private int minStep;
    private int maxStep;
    private final LatencyRecorder throttleWait = new LatencyRecorder();
    private TimeWeighted inflightWrites;

    /**
     * wbt_init (through wbt_enable_default) and queue_wb_lat_store.
     *
     * @param latUsec    block.wbt_lat_usec: -1 the kernel's default, 0 off, else the latency target
     * @param queueDepth blk_queue_depth: the queue's nr_requests
     */
    Wbt(BlockQueue q, int latUsec, boolean rotational, boolean writeCache, boolean schedulerDisables, int queueDepth) {
        this.q = q;
        this.writeCache = writeCache;
        rqd.defaultDepth = DEF_DEPTH;
        rqd.queueDepth = queueDepth;
        if (latUsec < 0) {
            // wbt_default_latency_nsec: 2 ms non-rotational, 75 ms rotational
            minLatNs = rotational ? 75_000_000L : 2_000_000L;
            enableState = schedulerDisables ? OFF_DEFAULT : ON_DEFAULT; // wbt_disable_default
        } else {
            minLatNs = latUsec * 1000L;
            enableState = latUsec == 0 ? OFF_MANUAL : ON_MANUAL; // wbt_set_min_lat
        }
        updateLimits();
        inflightWrites = new TimeWeighted(q.sim().now());
    }

    boolean enabled() {
        return enableState == ON_DEFAULT || enableState == ON_MANUAL;
    }

    /** wbt_update_limits. */
    private void updateLimits() {
        rqd.scaleStep = 0;
        rqd.scaledMax = false;
        rqd.calcMaxDepth();
        calcWbLimits();
    }

    /** calc_wb_limits. */
    private void calcWbLimits() {
        if (minLatNs == 0) {
            wbNormal = wbBackground = 0;
        } else if (rqd.maxDepth <= 2) {
            wbNormal = rqd.maxDepth;
            wbBackground = 1;
        } else {
            wbNormal = (rqd.maxDepth + 1) / 2;
            wbBackground = (rqd.maxDepth + 3) / 4;
        }
    }

    /** wbt_should_throttle: buffered writes (not O_DIRECT's REQ_SYNC|REQ_IDLE) and discards. */
    private static boolean shouldThrottle(Bio bio) {
        return switch (bio.op) {
            case WRITE -> (bio.flags & (Bio.SYNC | Bio.IDLE)) != (Bio.SYNC | Bio.IDLE);
            case DISCARD -> true;
            default -> false;
        };
    }

    /** bio_to_wbt_flags. */
    int flagsOf(Bio bio) {
        if (!enabled()) {
            return 0;
        }
        if (bio.op == Op.READ) {
            return READ;
        }
        if (shouldThrottle(bio)) {
            return TRACKED | (bio.op == Op.DISCARD ? DISCARD : 0);
        }
        return 0;
    }

    private RqWait rqWaitOf(int flags) {
        return rqWait[(flags & DISCARD) != 0 ? RWQ_DISCARD : RWQ_BG];
    }

    /** wb_recent_wait: a task slept in balance_dirty_pages within the last second. */
    private boolean recentWait() {
        return q.sim().now() < dirtySleep + HZ_NS;
    }

    /** close_io: a read was issued or completed within the last 100 ms (HZ / 10). */
    private boolean closeIo() {
        long now = q.sim().now();
        return now < lastIssue + HZ_NS / 10 || now < lastComp + HZ_NS / 10;
    }

    /** get_limit. */
    private int limit(Bio bio) {
        if (bio.op == Op.DISCARD) {
            return wbBackground;
        }
        if ((bio.flags & (Bio.SYNC | Bio.META)) != 0 || recentWait()) {
            return rqd.maxDepth;
        }
        if ((bio.flags & Bio.BACKGROUND) != 0 || closeIo()) {
            return wbBackground;
        }
        return wbNormal;
    }

    /** rq_wait_inc_below. */
    private boolean incBelow(RqWait rqw, int limit) {
        if (rqw.inflight >= limit) {
            return false;
        }
        rqw.inflight++;
        if (rqw == rqWait[RWQ_BG]) {
            inflightWrites.add(q.sim().now(), 1);
        }
        return true;
    }

    /** The submitter of some waiting bio is asleep here. */
    boolean isWaiting(IoOwner owner) {
        return !waitingPerOwner.isEmpty() && waitingPerOwner.containsKey(owner);
    }

    /**
     * wbt_wait (rq_qos_throttle): true when {@code bio} may go on to get a request now; false
     * when it sleeps here (it goes on through {@link BlockQueue#afterThrottle} once woken).
     */
    boolean throttle(Bio bio) {
        int flags = flagsOf(bio);
        if ((flags & TRACKED) == 0) {
            if ((flags & READ) != 0) {
                lastIssue = q.sim().now();
            }
            return true;
        }
        RqWait rqw = rqWaitOf(flags);
        boolean go = rqw.head == null && incBelow(rqw, limit(bio));
        if (!go) {
            throttled++;
            enqueue(rqw, bio);
        }
        if (window == null || !window.isPending()) {
            armTimer();
        }
        return go;
    }

    /** A bio whose submitter sleeps here waits behind it (the task cannot submit meanwhile). */
    void enqueueBehindOwner(Bio bio) {
        enqueue(rqWaitOf(flagsOf(bio)), bio);
    }

    private void enqueue(RqWait rqw, Bio bio) {
        waitingPerOwner.computeIfAbsent(bio.owner, o -> new int[1])[0]++;
        bio.tWaitStart = q.sim().now();
        bio.waitNext = null;
        if (rqw.tail == null) {
            rqw.head = bio;
        } else {
            rqw.tail.waitNext = bio;
        }
        rqw.tail = bio;
    }

    /**
     * wake_up_all with rq_qos_wake_function: the sleepers in order each take a slot below
     * their limit; the first that cannot stops the wake-ups. A bio queued behind its sleeping
     * submitter first tries to merge, as the woken task's next submission would.
     */
    private void wakeAll(RqWait rqw) {
        boolean woke = false;
        while (rqw.head != null) {
            Bio b = rqw.head;
            if (!b.mergeTried) {
                // Taken off first: the merge attempt may end a request and re-enter here.
                b.mergeTried = true;
                pop(rqw);
                if (q.tryMerges(b, null)) {
                    woke = true;
                    continue;
                }
                if (q.zonePlugTakes(b)) {
                    woke = true;
                    continue;
                }
                if ((flagsOf(b) & TRACKED) != 0 && !incBelow(rqw, limit(b))) {
                    pushFront(rqw, b);
                    break;
                }
            } else {
                if (!incBelow(rqw, limit(b))) {
                    break;
                }
                pop(rqw);
            }
            woke = true;
            throttleWait.record(q.sim().now() - b.tWaitStart);
            q.afterThrottle(b);
        }
        if (woke) {
            q.wakeOwners();
        }
    }

    private void pushFront(RqWait rqw, Bio b) {
        waitingPerOwner.computeIfAbsent(b.owner, o -> new int[1])[0]++;
        b.waitNext = rqw.head;
        rqw.head = b;
        if (rqw.tail == null) {
            rqw.tail = b;
        }
    }

    private void pop(RqWait rqw) {
        Bio b = rqw.head;
        rqw.head = b.waitNext;
        if (rqw.head == null) {
            rqw.tail = null;
        }
        b.waitNext = null;
        int[] n = waitingPerOwner.get(b.owner);
        if (--n[0] == 0) {
            waitingPerOwner.remove(b.owner);
        }
    }

    /** rwb_wake_all. */
    private void wakeEveryone() {
        for (RqWait rqw : rqWait) {
            if (rqw.head != null) {
                wakeAll(rqw);
            }
        }
    }

    /** wbt_track (rq_qos_track): the request carries its bio's wbt flags. */
    void track(Request rq, Bio bio) {
        rq.wbtFlags = flagsOf(bio);
    }

    /** wbt_issue: remember the first read issued, in case it takes long (sync_issue). */
    void issue(Request rq) {
        if (enabled() && (rq.wbtFlags & READ) != 0 && syncIssue == 0) {
            syncCookie = rq;
            syncIssue = rq.tDispatched;
        }
    }

    /** blk_stat_add of the window's callback (wbt_data_dir: reads, and writes and discards). */
    void completed(Request rq, long now) {
        if (window == null || !window.isPending() || !rq.started) {
            return;
        }
        long lat = now - rq.tDispatched;
        if (rq.op == Op.READ) {
            readMinNs = readSamples == 0 ? lat : Math.min(readMinNs, lat);
            readSamples++;
        } else if (rq.op == Op.WRITE || rq.op == Op.DISCARD) {
            writeSamples++;
        }
    }

    /** wbt_done (rq_qos_done): at the end of a request or when a merged one is freed. */
    void done(Request rq) {
        int flags = rq.wbtFlags;
        if ((flags & TRACKED) == 0) {
            if (syncCookie == rq) {
                syncIssue = 0;
                syncCookie = null;
            }
            if ((flags & READ) != 0) {
                lastComp = q.sim().now();
            }
        } else {
            rqwDone(rqWaitOf(flags), flags);
        }
        rq.wbtFlags = 0;
    }

    /** wbt_rqw_done. */
    private void rqwDone(RqWait rqw, int flags) {
        int inflight = --rqw.inflight;
        if (rqw == rqWait[RWQ_BG]) {
            inflightWrites.add(q.sim().now(), -1);
        }
        int limit;
        if ((flags & DISCARD) != 0) {
            limit = wbBackground;
        } else if (writeCache && !recentWait()) {
            limit = 0; // with a write-back cache, drop further before waking anyone
        } else {
            limit = wbNormal;
        }
        if (inflight > 0 && inflight >= limit) {
            return;
        }
        if (rqw.head != null) {
            int diff = limit - inflight;
            if (inflight == 0 || diff >= wbBackground / 2) {
                wakeAll(rqw);
            }
        }
    }

    /** A task slept in balance_dirty_pages (bdi wb->dirty_sleep). */
    void dirtySleep(long now) {
        dirtySleep = now;
    }

    private int inflight() {
        int n = 0;
        for (RqWait r : rqWait) {
            n += r.inflight;
        }
        return n;
    }

    // ------------------------------------------------------------------ the window

    /** rwb_arm_timer + blk_stat_activate_nsecs: a fresh window of cur_win_nsec. */
    private void armTimer() {
        if (!enabled()) {
            return;
        }
        if (rqd.scaleStep > 0) {
            curWinNs = (WINDOW_NS << 4) / intSqrt((rqd.scaleStep + 1L) << 8);
        } else {
            curWinNs = WINDOW_NS;
        }
        readSamples = 0;
        writeSamples = 0;
        readMinNs = 0;
        if (window != null) {
            window.cancel();
        }
        window = q.sim().timerAfter(curWinNs, this::timerFn);
    }

    private static long intSqrt(long x) {
        long r = (long) Math.sqrt((double) x);
        while (r * r > x) {
            r--;
        }
        while ((r + 1) * (r + 1) <= x) {
            r++;
        }
        return r;
    }

    /** latency_exceeded. */
    private int latencyExceeded() {
        long thisLat = syncIssue != 0 && syncCookie != null ? q.sim().now() - syncIssue : 0;
        if (thisLat > curWinNs || (thisLat > minLatNs && readSamples == 0)) {
            return LAT_EXCEEDED;
        }
        if (!(readSamples >= 1 && writeSamples >= MIN_WRITE_SAMPLES)) {
            if (writeSamples > 0 || recentWait() || inflight() > 0) {
                return LAT_UNKNOWN_WRITES;
            }
            return LAT_UNKNOWN;
        }
        if (readMinNs > minLatNs) {
            return LAT_EXCEEDED;
        }
        return LAT_OK;
    }

    /** wb_timer_fn. */
    private void timerFn() {
        windows++;
        int inflight = inflight();
        switch (latencyExceeded()) {
            case LAT_EXCEEDED -> scaleDown(true);
            case LAT_OK, LAT_UNKNOWN_WRITES -> scaleUp();
            case LAT_UNKNOWN -> {
                if (++unknownCnt >= UNKNOWN_BUMP) {
                    // slowly back to the centre (step 0) without valid samples
                    if (rqd.scaleStep > 0) {
                        scaleUp();
                    } else if (rqd.scaleStep < 0) {
                        scaleDown(false);
                    }
                }
            }
            default -> {
            }
        }
        if (rqd.scaleStep != 0 || inflight > 0) {
            armTimer();
        }
    }

    private void scaleUp() {
        if (!rqd.scaleUp()) {
            return;
        }
        scaleUps++;
        minStep = Math.min(minStep, rqd.scaleStep);
        calcWbLimits();
        unknownCnt = 0;
        wakeEveryone();
    }

    private void scaleDown(boolean hardThrottle) {
        if (!rqd.scaleDown(hardThrottle)) {
            return;
        }
        scaleDowns++;
        maxStep = Math.max(maxStep, rqd.scaleStep);
        calcWbLimits();
        unknownCnt = 0;
    }

    // ------------------------------------------------------------------ statistics

    void resetStats(long now) {
        throttled = windows = scaleUps = scaleDowns = 0;
        minStep = maxStep = rqd.scaleStep;
        throttleWait.reset();
        inflightWrites.restart(now);
    }

    void registerStats(Stats stats) {
        stats.counter("block.wbt.enabled", () -> enabled() ? 1 : 0);
        stats.counter("block.wbt.min_lat_us", () -> minLatNs / 1000);
        stats.counter("block.wbt.throttled", () -> throttled);
        stats.latency("block.wbt.wait", throttleWait);
        stats.counter("block.wbt.windows", () -> windows);
        stats.counter("block.wbt.scale_ups", () -> scaleUps);
        stats.counter("block.wbt.scale_downs", () -> scaleDowns);
        stats.counter("block.wbt.scale_step", () -> rqd.scaleStep);
        stats.counter("block.wbt.scale_step_min", () -> minStep);
        stats.counter("block.wbt.scale_step_max", () -> maxStep);
        stats.counter("block.wbt.max_depth", () -> rqd.maxDepth);
        stats.gauge("block.wbt.inflight_mean", () -> inflightWrites.average(q.sim().now()));
        stats.counter("block.wbt.inflight_max", () -> (long) inflightWrites.max());
    }
}
