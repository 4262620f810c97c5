package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import java.util.List;

/**
 * {@code mq-deadline}, as block/mq-deadline.c of Linux 6.16+.
 *
 * <p>Per I/O priority level (RT, BE, IDLE; class NONE is BE) there are two sector-sorted trees
 * and two FIFOs (read, write), a dispatch list for at-head inserts, and the position of the
 * last dispatched request per direction ({@code latest_pos}). {@code last_dir}, {@code batching}
 * and {@code starved} are shared by all levels.
 *
 * <p>Dispatch for one level (__dd_dispatch_request): the dispatch list first; then, while the
 * batch lasts ({@code batching < fifo_batch}), the next request at or after {@code latest_pos}
 * in {@code last_dir}; otherwise choose a direction (reads, unless writes wait and reads have
 * already been preferred {@code writes_starved} times), and take the first request at or after
 * {@code latest_pos} in it, or the FIFO head when that one has expired or none lies ahead (the
 * scan is one-way ascending and restarts from the oldest request). Deadlines are in jiffies and
 * checked only when a batch starts. Across levels (dd_dispatch_request): first requests of the
 * lower levels that waited longer than {@code prio_aging_expire} when two or more levels hold
 * I/O, then strict priority, stopping at the first level that still has I/O queued or in flight.
 *
 * <p>Merging: the elevator core (last_merge, back merges by hash) plus the front-merge lookup in
 * the sort tree when {@code front_merges} is 1 (dd_request_merge); a merged request keeps the
 * earlier FIFO deadline (dd_merged_requests). Writes and asynchronous requests may use only
 * {@code async_depth} of the nr_requests tags (dd_limit_depth).
 *
 * <p>Tunables, under {@code block.iosched} with the kernel's names and defaults:
 * read_expire 500 ms, write_expire 5000 ms, writes_starved 2, fifo_batch 16, front_merges 1,
 * prio_aging_expire 10000 ms, async_depth = nr_requests (0 here). Jiffies are counted at
 * CONFIG_HZ = 250, the Debian and Ubuntu kernels' setting.
 */
public final class DeadlineScheduler extends Elevator {
    /** Registered in {@link Schedulers#ALL}; "deadline" is the kernel's elevator_alias. */
    public static final SchedulerType TYPE = new SchedulerType("mq-deadline", List.of("deadline"), Tunables.SECTION,
            iosched -> new DeadlineScheduler(Tunables.from(iosched)));

    /** CONFIG_HZ of the modelled kernel. */
    public static final int HZ = 250;
    private static final long JIFFY_NS = 1_000_000_000L / HZ;
    static final int READ = 0;
    static final int WRITE = 1;
    static final int RT = 0;
    static final int BE = 1;
    static final int IDLE = 2;
    private static final String[] PRIO_NAMES = {"rt", "be", "idle"};

    /**
     * The sysfs tunables (values as sysfs shows them: times in ms).
     *
     * @param asyncDepth 0 = nr_requests (dd_depth_updated)
     */
    public record Tunables(int readExpireMs, int writeExpireMs, int writesStarved, int fifoBatch,
                           int frontMerges, int prioAgingExpireMs, int asyncDepth) {
        static final Tunable<Long> READ_EXPIRE = Tunable.duration("read_expire", 500_000_000L, 1_000_000L)
                .help("a read's FIFO deadline (sysfs shows ms)");
        static final Tunable<Long> WRITE_EXPIRE = Tunable.duration("write_expire", 5_000_000_000L, 1_000_000L)
                .help("a write's FIFO deadline");
        static final Tunable<Integer> WRITES_STARVED = Tunable.integer("writes_starved", 2, Integer.MIN_VALUE,
                Integer.MAX_VALUE).help("read batches preferred before a waiting write batch must go");
        static final Tunable<Integer> FIFO_BATCH = Tunable.integer("fifo_batch", 16, 0, Integer.MAX_VALUE)
                .help("requests in one batch before deadlines are checked again");
        static final Tunable<Integer> FRONT_MERGES = Tunable.integer("front_merges", 1, 0, 1)
                .help("look up front merges in the sort tree (dd_request_merge)");
        static final Tunable<Long> PRIO_AGING_EXPIRE = Tunable.duration("prio_aging_expire", 10_000_000_000L,
                1_000_000L).help("a lower priority level's requests older than this go first");
        static final Tunable<Integer> ASYNC_DEPTH = Tunable.integer("async_depth", 0, 0, Integer.MAX_VALUE)
                .help("tags writes and asynchronous requests may use (dd_limit_depth); 0 = nr_requests");

        /** mq-deadline's tunables, under {@code block.iosched}. */
        public static final ConfigSection SECTION = ConfigSection.of("block.iosched",
                "mq-deadline (`block.iosched` with `block.scheduler: mq-deadline`)",
                READ_EXPIRE, WRITE_EXPIRE, WRITES_STARVED, FIFO_BATCH, FRONT_MERGES, PRIO_AGING_EXPIRE, ASYNC_DEPTH)
                .intro("block/mq-deadline.c's sysfs tunables with the kernel's names and defaults; times are"
                        + " jiffies at CONFIG_HZ = 250 inside, written as durations (a bare number is in ms, as"
                        + " sysfs shows them).");

        public static Tunables defaults() {
            return from(ConfigNode.emptyRoot("defaults"));
        }

        /** Reads {@code block.iosched}; ranges as the kernel's store functions clamp them. */
        public static Tunables from(ConfigNode s) {
            return new Tunables(
                    ms(s, READ_EXPIRE),
                    ms(s, WRITE_EXPIRE),
                    WRITES_STARVED.read(s),
                    FIFO_BATCH.read(s),
                    FRONT_MERGES.read(s),
                    ms(s, PRIO_AGING_EXPIRE),
                    ASYNC_DEPTH.read(s));
        }

        private static int ms(ConfigNode s, Tunable<Long> t) {
            long ns = t.read(s);
            if (ns < 0 || ns / 1_000_000L > Integer.MAX_VALUE) {
                throw t.error(s, "must be between 0 and " + Integer.MAX_VALUE + " ms");
            }
            return (int) (ns / 1_000_000L);
        }
    }

    /**
     * mq-deadline's part of a request ({@code rq->elv.priv[0]} and the {@code fifo_time} and
     * {@code rb_node} the kernel keeps in struct request for it). One per scheduler tag in use:
     * taken from {@link #spare} at prepare_request and given back at finish_request, so no I/O
     * allocates one once the pool has grown to the tags used at once.
     */
    private static final class DdRequest extends SectorTree.Node {
        /** The request this state belongs to while it is allocated. */
        Request rq;
        /** The per-priority level the request was inserted at (elv.priv[0]); -1 before. */
        int prio = -1;
        /** FIFO deadline in jiffies (fifo_time). */
        long fifoTime;
        boolean inTree;
    }

    // Sort order of a tree (SectorTree): the sector a request was sorted under (treeKey), then
    // insertion (treeSeq: an equal key goes to the right). Like an rbtree node, a request keeps
    // its place until it is re-sorted, so a front merge's neighbour lookup (rb_prev) and removal
    // work on its old place.

    /** The state mq-deadline attached to {@code rq} at prepare_request. */
    private static DdRequest dd(Request rq) {
        return (DdRequest) rq.elvPriv;
    }

    /** struct dd_per_prio. */
    private static final class PerPrio {
        final RequestList dispatch = new RequestList();
        final SectorTree[] sort = {new SectorTree(), new SectorTree()};
        final RequestList[] fifo = {new RequestList(), new RequestList()};
        final long[] latestPos = new long[2];
        long inserted;
        long merged;
        long dispatched;
        long completed;
    }

    private final Tunables t;
    private final PerPrio[] perPrio = {new PerPrio(), new PerPrio(), new PerPrio()};
    private final long[] fifoExpire = new long[2];
    private final long prioAgingExpire;
    private int lastDir = WRITE;
    private int batching;
    private int starved;
    private long treeSeq;
    private int asyncDepth;
    /** States of freed requests, ready for the next prepare_request. */
    private DdRequest[] spare = new DdRequest[16];
    private int spareCount;
    private long batches;
    private long writeBatchesForced;
    private long expiredPicks;

    public DeadlineScheduler(Tunables tunables) {
        this.t = tunables;
        this.fifoExpire[READ] = msecsToJiffies(t.readExpireMs());
        this.fifoExpire[WRITE] = msecsToJiffies(t.writeExpireMs());
        this.prioAgingExpire = msecsToJiffies(t.prioAgingExpireMs());
    }

    @Override
    public String name() {
        return "mq-deadline";
    }

    public Tunables tunables() {
        return t;
    }

    @Override
    public void init(BlockQueue queue) {
        super.init(queue);
        asyncDepth = t.asyncDepth() > 0 ? t.asyncDepth() : queue.nrRequests();
    }

    /** msecs_to_jiffies rounds up. */
    static long msecsToJiffies(long ms) {
        long msPerJiffy = 1000 / HZ;
        return (ms + msPerJiffy - 1) / msPerJiffy;
    }

    private long jiffies() {
        return q.sim().now() / JIFFY_NS;
    }

    /** rq_data_dir (op_is_write): writes, discards and the odd-numbered zone operations are WRITE. */
    static int dir(Op op) {
        return op != Op.FLUSH && op.isWrite() ? WRITE : READ;
    }

    /** ioprio_class_to_prio. */
    static int prio(IoPriority p) {
        return switch (p) {
            case RT -> RT;
            case IDLE -> IDLE;
            default -> BE;
        };
    }

    // ------------------------------------------------------------------ per-request state

    /** Its lists hold only requests not yet dispatched; a dispatched one is off them (and off the hash and last_merge). */
    @Override
    public boolean forgetsCompletedRequests() {
        return true;
    }

    /** dd_prepare_request: the request gets its state, not yet inserted at any level. */
    @Override
    public void prepareRequest(Request rq) {
        DdRequest d = spareCount > 0 ? spare[--spareCount] : new DdRequest();
        d.rq = rq;
        d.prio = -1;
        d.fifoTime = 0;
        d.inTree = false;
        rq.elvPriv = d;
    }

    /** dd_finish_request: a request inserted at a level is counted completed there; its state goes back. */
    @Override
    public void completed(Request rq) {
        DdRequest d = dd(rq);
        if (d == null) {
            return;
        }
        if (d.prio >= 0) {
            perPrio[d.prio].completed++;
        }
        d.rq = null;
        rq.elvPriv = null;
        if (spareCount == spare.length) {
            spare = java.util.Arrays.copyOf(spare, spare.length * 2);
        }
        spare[spareCount++] = d;
    }

    // ------------------------------------------------------------------ trees

    private void treeAdd(PerPrio pp, Request rq) {
        DdRequest d = dd(rq);
        d.treeSeq = ++treeSeq;
        d.treeKey = rq.sector;
        pp.sort[dir(rq.op)].add(d);
        d.inTree = true;
    }

    private void treeDel(PerPrio pp, Request rq) {
        DdRequest d = dd(rq);
        if (d.inTree) {
            pp.sort[dir(rq.op)].remove(d);
            d.inTree = false;
        }
    }

    /** deadline_from_pos: the first request with a sector at or after {@code pos}. */
    private Request fromPos(PerPrio pp, int dir, long pos) {
        DdRequest d = (DdRequest) pp.sort[dir].ceiling(pos);
        return d == null ? null : d.rq;
    }

    /** deadline_remove_request. */
    private void remove(PerPrio pp, Request rq) {
        RequestList l = rq.schedData instanceof RequestList rl ? rl : null;
        if (l != null) {
            l.remove(rq);
        }
        treeDel(pp, rq);
        forget(rq);
    }

    // ------------------------------------------------------------------ elevator hooks

    @Override
    protected Request requestMerge(Bio bio) {
        if (t.frontMerges() == 0) {
            return null;
        }
        PerPrio pp = perPrio[prio(bio.priority)];
        Request rq = fromPos(pp, dir(bio.op), bio.endSector());
        if (rq != null && rq.sector == bio.endSector() && q.merge.bioMergeOk(rq, bio)) {
            return rq;
        }
        return null;
    }

    @Override
    protected void requestMerged(Request rq, boolean front) {
        if (front && dd(rq).inTree) {
            PerPrio pp = perPrio[prio(rq.priority)];
            treeDel(pp, rq);
            treeAdd(pp, rq);
        }
    }

    @Override
    protected void mergedRequests(Request rq, Request next) {
        PerPrio pp = perPrio[prio(next.priority)];
        pp.merged++;
        DdRequest d = dd(rq);
        DdRequest dn = dd(next);
        if (RequestList.onList(rq) && RequestList.onList(next) && dn.fifoTime < d.fifoTime) {
            ((RequestList) next.schedData).moveAfter(rq, next);
            d.fifoTime = dn.fifoTime;
        }
        remove(pp, next);
    }

    @Override
    protected Request latterRequest(Request rq) {
        DdRequest d = dd(rq);
        return d.inTree ? rqOf((DdRequest) perPrio[prio(rq.priority)].sort[dir(rq.op)].higher(d)) : null;
    }

    @Override
    protected Request formerRequest(Request rq) {
        DdRequest d = dd(rq);
        return d.inTree ? rqOf((DdRequest) perPrio[prio(rq.priority)].sort[dir(rq.op)].lower(d)) : null;
    }

    private static Request rqOf(DdRequest d) {
        return d == null ? null : d.rq;
    }

    /** dd_limit_depth: synchronous reads are not throttled. */
    @Override
    public int depthLimit(Bio bio) {
        boolean syncRead = bio.op == Op.READ;
        return syncRead ? Integer.MAX_VALUE : asyncDepth;
    }

    // ------------------------------------------------------------------ insert

    /** dd_insert_request. */
    @Override
    public boolean insert(Request rq, boolean atHead) {
        int prio = prio(rq.priority);
        PerPrio pp = perPrio[prio];
        DdRequest dd = dd(rq);
        if (dd.prio < 0) {
            pp.inserted++;
        }
        dd.prio = prio;
        if (insertMerge(rq)) {
            return false;
        }
        if (atHead) {
            pp.dispatch.addHead(rq);
            dd.fifoTime = jiffies();
        } else {
            int d = dir(rq.op);
            treeAdd(pp, rq);
            addMergeable(rq);
            dd.fifoTime = jiffies() + fifoExpire[d];
            pp.fifo[d].addTail(rq);
        }
        return true;
    }

    private long queued(int prio) {
        PerPrio pp = perPrio[prio];
        return pp.inserted - pp.completed;
    }

    @Override
    public boolean hasWork() {
        for (PerPrio pp : perPrio) {
            if (!pp.dispatch.isEmpty() || !pp.fifo[READ].isEmpty() || !pp.fifo[WRITE].isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ dispatch

    /** started_after: the request was inserted after {@code latestStart} (jiffies). */
    private boolean startedAfter(Request rq, long latestStart) {
        long start = dd(rq).fifoTime - fifoExpire[dir(rq.op)];
        return start > latestStart;
    }

    /** __dd_dispatch_request for one priority level, only requests inserted by {@code latestStart}. */
    private Request dispatchFrom(PerPrio pp, long latestStart) {
        Request rq;
        int dataDir;
        if (!pp.dispatch.isEmpty()) {
            rq = pp.dispatch.first();
            if (startedAfter(rq, latestStart)) {
                return null;
            }
            pp.dispatch.remove(rq);
            dataDir = dir(rq.op);
            return done(rq, dataDir);
        }
        // Batches are reads XOR writes.
        rq = fromPos(pp, lastDir, pp.latestPos[lastDir]);
        if (rq != null && batching < t.fifoBatch()) {
            dataDir = dir(rq.op);
            if (startedAfter(rq, latestStart)) {
                return null;
            }
            batching++;
            remove(pp, rq);
            return done(rq, dataDir);
        }
        // Not in a batch: choose a direction.
        if (!pp.fifo[READ].isEmpty()) {
            if (!pp.fifo[WRITE].isEmpty() && starved++ >= t.writesStarved()) {
                dataDir = WRITE;
                starved = 0;
                writeBatchesForced++;
            } else {
                dataDir = READ;
            }
        } else if (!pp.fifo[WRITE].isEmpty()) {
            dataDir = WRITE;
            starved = 0;
        } else {
            return null;
        }
        Request nextRq = fromPos(pp, dataDir, pp.latestPos[dataDir]);
        Request head = pp.fifo[dataDir].first();
        boolean expired = jiffies() >= dd(head).fifoTime;
        if (expired || nextRq == null) {
            // A deadline expired, or nothing lies ahead: restart from the oldest request.
            rq = head;
            if (expired) {
                expiredPicks++;
            }
        } else {
            rq = nextRq;
        }
        lastDir = dataDir;
        batching = 0;
        if (startedAfter(rq, latestStart)) {
            return null;
        }
        batches++;
        batching++;
        remove(pp, rq);
        return done(rq, dataDir);
    }

    private Request done(Request rq, int dataDir) {
        int level = dd(rq).prio;
        PerPrio pp = perPrio[level >= 0 ? level : prio(rq.priority)];
        pp.latestPos[dataDir] = rq.sector;
        pp.dispatched++;
        return rq;
    }

    /** dd_dispatch_prio_aged_requests. */
    private Request dispatchAged(long now) {
        int levels = (queued(RT) > 0 ? 1 : 0) + (queued(BE) > 0 ? 1 : 0) + (queued(IDLE) > 0 ? 1 : 0);
        if (levels < 2) {
            return null;
        }
        for (int p = BE; p <= IDLE; p++) {
            Request rq = dispatchFrom(perPrio[p], now - prioAgingExpire);
            if (rq != null) {
                return rq;
            }
        }
        return null;
    }

    /** dd_dispatch_request. */
    @Override
    public Request dispatch() {
        long now = jiffies();
        Request rq = dispatchAged(now);
        if (rq != null) {
            return rq;
        }
        for (int p = RT; p <= IDLE; p++) {
            rq = dispatchFrom(perPrio[p], now);
            if (rq != null || queued(p) > 0) {
                break;
            }
        }
        return rq;
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "batches", () -> batches);
        stats.counter(prefix + "write_batches_for_starvation", () -> writeBatchesForced);
        stats.counter(prefix + "expired_fifo_picks", () -> expiredPicks);
        for (int p = 0; p < 3; p++) {
            PerPrio pp = perPrio[p];
            String n = prefix + "prio." + PRIO_NAMES[p] + ".";
            stats.counter(n + "inserted", () -> pp.inserted);
            stats.counter(n + "merged", () -> pp.merged);
            stats.counter(n + "dispatched", () -> pp.dispatched);
        }
    }
}
