package io.stacksim.block;

import io.stacksim.block.BfqWf2q.Entity;
import io.stacksim.block.BfqWf2q.SchedData;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code bfq}, the Budget Fair Queueing scheduler, as block/bfq-iosched.c (with bfq-cgroup.c's
 * groups) of Linux 6.x; its B-WF2Q+ engine is {@link BfqWf2q} (block/bfq-wf2q.c).
 *
 * <p>Each process has a sync queue ({@code bfq_io_cq}); async requests go to a queue per group,
 * class and level. A queue is served alone for a slot: it gets a budget in sectors and keeps
 * the device until the budget is used (BUDGET_EXHAUSTED), it runs out of requests
 * (NO_MORE_REQUESTS, after idling up to {@code slice_idle} for the next one where the kernel
 * idles: TOO_IDLE), its slot times out ({@code timeout_sync}: BUDGET_TIMEOUT), or a queue that
 * deserves it preempts it. B-WF2Q+ picks the next queue by virtual finish time, so backlogged
 * queues get service in proportion to their weights: {@code (8 - level) x 10} from the I/O
 * priority (bfq_ioprio_to_weight), and the group's weight (blkio.bfq.weight / io.bfq.weight,
 * default 100) between groups.
 *
 * <p>Budget feedback (__bfq_bfqq_recalc_budget): a sync queue's next budget doubles after a
 * timeout, quadruples after exhausting it, shrinks to what it used when it ran dry, and drops
 * by 4 x min_budget when it idled out with nothing in flight; every budget is at most
 * {@code bfq_max_budget}, the sectors the device moves in {@code timeout_sync} at the peak
 * rate BFQ estimates from dispatches (bfq_update_peak_rate), unless {@code max_budget} sets it.
 * Queues that use their slot slowly are charged for the time instead (bfq_bfqq_charge_time).
 *
 * <p>Idling (bfq_better_to_idle): for a sync queue not in the idle class, when it boosts
 * throughput (rotational device without internal queueing, or a sequential I/O-bound queue on
 * a rotational or non-queueing device) or when service guarantees need it (the queue's weight
 * is above the smallest among active queues, classes or groups differ, or it is the only busy
 * queue); always with {@code strict_guarantees}. A seeky queue idles only BFQ_MIN_TT (2 ms).
 *
 * <p>{@code low_latency}: a queue that was idle for 2 s and has the default weight is raised
 * 30-fold for bfq_wr_duration (interactive); a sync queue whose I/O comes at a bounded rate
 * after idle periods is raised for 300 ms at a time (soft real-time).
 *
 * <p>Cooperating processes (interleaved sequential I/O close to each other on a rotational or
 * non-queueing device) get their queues merged (bfq_setup_cooperator) and split again when the
 * merged queue turns seeky.
 *
 * <p>While the in-service queue idles with requests in flight, bfq serves its waker queue (a
 * queue whose completions its I/O follows, bfq_check_waker), a queue it wakes, or injects
 * requests of other queues up to a limit it adapts to the in-service queue's service time
 * (bfq_choose_bfqq_for_injection, bfq_update_inject_limit).
 *
 * <p>Not modelled: injection from the process's own async queue, stable merging, burst
 * detection of many queues created together, multiple actuators.
 */
public final class BfqScheduler extends Elevator {
    /** Registered in {@link Schedulers#ALL}. */
    public static final SchedulerType TYPE = new SchedulerType("bfq", List.of(), Tunables.SECTION,
            iosched -> new BfqScheduler(Tunables.from(iosched)));

    static final int HZ = DeadlineScheduler.HZ;
    private static final long JIFFY_NS = 1_000_000_000L / HZ;
    private static final long NS_PER_MS = 1_000_000L;
    private static final long NS_PER_US = 1_000L;

    // bfq-iosched.c constants.
    /** bfq_stats_min_budgets. */
    static final int STATS_MIN_BUDGETS = 194;
    /** bfq_default_max_budget (sectors). */
    static final int DEFAULT_MAX_BUDGET = 16 * 1024;
    /** bfq_async_charge_factor. */
    static final int ASYNC_CHARGE_FACTOR = 3;
    /** BFQ_MIN_TT. */
    static final long MIN_TT_NS = 2 * NS_PER_MS;
    static final int HW_QUEUE_THRESHOLD = 3;
    static final int HW_QUEUE_SAMPLES = 32;
    static final long SEEK_THR = 8 * 100;
    static final long SECT_THR_NONROT = 2 * 32;
    static final long CLOSE_THR = 8 * 1024;
    static final int RATE_MIN_SAMPLES = 32;
    static final long RATE_MIN_INTERVAL_NS = 300 * NS_PER_MS;
    static final long RATE_REF_INTERVAL_NS = 1_000_000_000L;
    static final int RATE_SHIFT = 16;
    /** ref_rate[nonrot] in sectors/usec << BFQ_RATE_SHIFT. */
    static final int[] REF_RATE = {14000, 33000};
    /** ref_wr_duration[nonrot]: 7000 ms and 2500 ms in jiffies. */
    static final long[] REF_WR_DURATION = {DeadlineScheduler.msecsToJiffies(7000), DeadlineScheduler.msecsToJiffies(2500)};
    /** max_service_from_wr (sectors). */
    static final long MAX_SERVICE_FROM_WR = 120000;
    /** bfq_merge_time_limit = HZ/10. */
    static final long MERGE_TIME_LIMIT = HZ / 10;
    static final int WR_COEFF = 30;
    static final long WR_RT_MAX_TIME = DeadlineScheduler.msecsToJiffies(300);
    static final long WR_MIN_IDLE_TIME = DeadlineScheduler.msecsToJiffies(2000);
    static final long WR_MIN_INTER_ARR_ASYNC = DeadlineScheduler.msecsToJiffies(500);
    static final long WR_MAX_SOFTRT_RATE = 7000;
    /** BFQ_SOFTRT_WEIGHT_FACTOR. */
    static final int SOFTRT_WEIGHT_FACTOR = 100;
    /** IOPRIO_NR_LEVELS / IOPRIO_BE_NR. */
    static final int IOPRIO_NR_LEVELS = 8;
    /** BFQ_WEIGHT_CONVERSION_COEFF. */
    static final int WEIGHT_CONVERSION_COEFF = 10;
    /** IOPRIO_BE_NORM: the level of a task with nice 0 (task_nice_ioprio). */
    static final int IOPRIO_NORM = 4;
    /** BFQ_WEIGHT_LEGACY_DFL: a cgroup's default bfq weight. */
    static final int GROUP_DEFAULT_WEIGHT = 100;

    /** Expiration reasons (enum bfqq_expiration). */
    enum Reason { TOO_IDLE, BUDGET_TIMEOUT, BUDGET_EXHAUSTED, NO_MORE_REQUESTS, PREEMPTED }

    /**
     * bfq's sysfs tunables (elv_fs_entry bfq_attrs), names and defaults as the kernel's.
     *
     * @param timeoutJiffies bfq_timeout: HZ / 8 = 31 jiffies (sysfs shows 124 ms at HZ = 250)
     * @param maxBudget      bfq_user_max_budget: 0 = computed from the peak rate
     */
    public record Tunables(long fifoExpireSyncNs, long fifoExpireAsyncNs, int backSeekMaxKb, int backSeekPenalty,
                           long sliceIdleNs, int maxBudget, long timeoutJiffies, boolean strictGuarantees,
                           boolean lowLatency) {
        static final Tunable<Long> FIFO_EXPIRE_SYNC = Tunable.duration("fifo_expire_sync", 125 * NS_PER_MS, NS_PER_MS)
                .help("a sync request's FIFO deadline within its queue (bfq_fifo_expire[1])");
        static final Tunable<Long> FIFO_EXPIRE_ASYNC = Tunable.duration("fifo_expire_async", 250 * NS_PER_MS,
                NS_PER_MS).help("an async request's FIFO deadline within its queue (bfq_fifo_expire[0])");
        static final Tunable<Integer> BACK_SEEK_MAX = Tunable.integer("back_seek_max", 16384, 0, Integer.MAX_VALUE)
                .help("KiB behind the head a backward seek may still be preferred (bfq_choose_req)");
        static final Tunable<Integer> BACK_SEEK_PENALTY = Tunable.integer("back_seek_penalty", 2, 1,
                Integer.MAX_VALUE).help("how much farther a backward seek counts than a forward one");
        static final Tunable<Long> SLICE_IDLE = Tunable.duration("slice_idle", 8 * NS_PER_MS, NS_PER_MS)
                .help("how long the in-service sync queue may keep the device idle waiting for its next request;"
                        + " 0 disables idling");
        static final Tunable<Long> SLICE_IDLE_US = Tunable.duration("slice_idle_us", 8 * NS_PER_MS, NS_PER_US)
                .shownDefault("slice_idle").help("slice_idle in microseconds (sysfs slice_idle_us); wins when both are set");
        static final Tunable<Integer> MAX_BUDGET = Tunable.integer("max_budget", 0, 0, Integer.MAX_VALUE)
                .help("the largest budget in sectors; 0 = what the device moves in timeout_sync at its estimated"
                        + " peak rate");
        static final Tunable<Long> TIMEOUT_SYNC = Tunable.duration("timeout_sync", 124 * NS_PER_MS, NS_PER_MS)
                .help("a queue's service slot before a budget timeout (HZ/8 jiffies: sysfs shows 124 at HZ 250)");
        static final Tunable<Integer> STRICT_GUARANTEES = Tunable.integer("strict_guarantees", 0, 0, 1)
                .help("1: always idle for the in-service queue and keep one request at a time in the device;"
                        + " raises slice_idle to at least 8 ms");
        static final Tunable<Integer> LOW_LATENCY = Tunable.integer("low_latency", 1, 0, 1)
                .help("weight raising of interactive and soft real-time queues");

        /** bfq's tunables, under {@code block.iosched}. */
        public static final ConfigSection SECTION = ConfigSection.of("block.iosched",
                "bfq (`block.iosched` with `block.scheduler: bfq`)",
                FIFO_EXPIRE_SYNC, FIFO_EXPIRE_ASYNC, BACK_SEEK_MAX, BACK_SEEK_PENALTY, SLICE_IDLE, SLICE_IDLE_US,
                MAX_BUDGET, TIMEOUT_SYNC, STRICT_GUARANTEES, LOW_LATENCY)
                .intro("block/bfq-iosched.c's sysfs tunables with the kernel's names and defaults; times are"
                        + " durations (a bare number is in ms, in us for slice_idle_us, as sysfs shows them);"
                        + " timeout_sync is counted in jiffies at CONFIG_HZ = 250.");

        public static Tunables defaults() {
            return from(ConfigNode.emptyRoot("defaults"));
        }

        /** Reads {@code block.iosched}; values are clamped as the kernel's store functions do. */
        public static Tunables from(ConfigNode s) {
            long sliceIdle = SLICE_IDLE_US.isSet(s) ? SLICE_IDLE_US.read(s) : SLICE_IDLE.read(s);
            boolean strict = STRICT_GUARANTEES.read(s) == 1;
            if (strict && sliceIdle < 8 * NS_PER_MS) {
                sliceIdle = 8 * NS_PER_MS; // bfq_strict_guarantees_store
            }
            long timeoutMs = Math.max(1, TIMEOUT_SYNC.read(s) / NS_PER_MS);
            return new Tunables(
                    Math.max(NS_PER_MS, FIFO_EXPIRE_SYNC.read(s)),
                    Math.max(NS_PER_MS, FIFO_EXPIRE_ASYNC.read(s)),
                    BACK_SEEK_MAX.read(s),
                    BACK_SEEK_PENALTY.read(s),
                    Math.max(0, sliceIdle),
                    MAX_BUDGET.read(s),
                    DeadlineScheduler.msecsToJiffies(timeoutMs),
                    strict,
                    LOW_LATENCY.read(s) == 1);
        }
    }

    // ------------------------------------------------------------------ per-request state

    /** bfq's part of a request: its queue (elv.priv[1]), process (elv.priv[0]), FIFO time, sort key. */
    private static final class BfqRq {
        Request rq;
        BfqQueue bfqq;
        Bic bic;
        long fifoTime;
        long sortKey;
        long sortSeq;
        boolean inSort;
        /** RQF_STARTED as bfq sets it in __bfq_dispatch_request. */
        boolean started;
    }

    private static final Comparator<BfqRq> BY_POS = (a, b) -> a.sortKey != b.sortKey
            ? Long.compare(a.sortKey, b.sortKey) : Long.compare(a.sortSeq, b.sortSeq);

    private static BfqRq br(Request rq) {
        return (BfqRq) rq.elvPriv;
    }

    /** struct bfq_io_cq: a process's link to its queues. */
    private static final class Bic {
        final int pid;
        BfqQueue syncQ;
        BfqQueue asyncQ;
        int ioprio = -1;
        Group group;
        int requests;

        Bic(int pid) {
            this.pid = pid;
        }
    }

    /** struct bfq_group: a cgroup's entity and its sched data, async queues and position tree. */
    private final class Group {
        final String name;
        final Entity entity;
        final SchedData sched;
        final BfqQueue[][] async = new BfqQueue[2][IOPRIO_NR_LEVELS];
        BfqQueue asyncIdle;
        /** rq_pos_tree: queues by the sector of their next request. */
        final TreeMap<Long, BfqQueue> posTree = new TreeMap<>();
        int queuesWithPendingReqs;

        Group(String name, int weight, boolean root) {
            this.name = name;
            if (root) {
                this.entity = null;
                this.sched = wf2q.root;
            } else {
                this.entity = new Entity();
                entity.weight = entity.origWeight = entity.newWeight = weight;
                entity.sched = wf2q.root;
                this.sched = new SchedData(entity, jiffies());
                entity.mySched = sched;
            }
        }
    }

    /** struct bfq_queue. */
    private final class BfqQueue extends Entity {
        int pid;
        final boolean sync;
        final Group group;
        int ioprio;
        final TreeSet<BfqRq> sortList = new TreeSet<>(BY_POS);
        final RequestList fifo = new RequestList();
        BfqRq nextRq;
        final int[] queued = new int[2];
        int dispatched;
        int maxBudget;
        long budgetTimeout;
        boolean busy;
        boolean waitRequest;
        boolean nonBlockingWaitRq;
        boolean fifoExpire;
        boolean hasShortTtime;
        boolean ioBound;
        boolean justCreated;
        boolean coop;
        boolean splitCoop;
        boolean softrtUpdate;
        boolean inWeightsTree;
        boolean inGroupsWithPendingReqs;
        int seekHistory;
        long lastRequestPos;
        int ttimeSamples;
        long ttimeTotal;
        long ttimeMean;
        long lastEndRequest;
        long ioStartTime;
        long totIdleTime;
        long creationTime;
        long splitTime;
        long wrCurMaxTime;
        long lastWrStartFinish;
        long wrStartAtSwitchToSrt;
        long serviceFromWr;
        long serviceFromBacklogged;
        long softRtNextStart;
        long lastIdleBklogged;
        long firstIoTime;
        /** Processes using this queue (bfqq_process_refs). */
        int processRefs;
        /** Queue scheduled to merge into (new_bfqq). */
        BfqQueue newBfqq;
        /** The key this queue is filed under in its group's position tree, or null. */
        Long posKey;
        /** Service and dispatches for statistics. */
        long sectorsServed;
        /** Waker detection (bfq_check_waker) and the queues this one wakes (woken_list). */
        BfqQueue wakerBfqq;
        BfqQueue tentativeWakerBfqq;
        int numWakerDetections;
        long wakerDetectionStarted;
        final java.util.ArrayList<BfqQueue> wokenList = new java.util.ArrayList<>();
        /** I/O injection (bfq_update_inject_limit). */
        int injectLimit;
        long lastServTimeNs;
        long decreaseTimeJif;

        BfqQueue(Group group, boolean sync, int pid, int ioprioClass, int ioprio) {
            this.group = group;
            this.sync = sync;
            // bfq_init_entity
            sched = group.sched;
            parent = group.entity;
            // bfq_set_next_ioprio_data
            this.ioprio = ioprio;
            newClassIdx = ioprioClass;
            classIdx = ioprioClass;
            newWeight = ioprioToWeight(ioprio);
            origWeight = newWeight;
            weight = newWeight;
            prioChanged = true;
            // bfq_init_bfqq
            long now = now();
            if (sync) {
                if (ioprioClass != BfqWf2q.CLASS_IDLE) { // bfq_init_bfqq
                    hasShortTtime = true;
                }
                justCreated = true;
            }
            lastEndRequest = now + 1;
            creationTime = jiffies();
            ioStartTime = now;
            ioBound = true;
            this.pid = pid;
            maxBudget = 2 * maxBudgetNow() / 3;
            budgetTimeout = smallestFromNow();
            wrCoeff = 1;
            lastWrStartFinish = jiffies();
            wrStartAtSwitchToSrt = smallestFromNow();
            splitTime = smallestFromNow();
            softRtNextStart = jiffies();
            seekHistory = 1;
            decreaseTimeJif = jiffies();
        }

        @Override
        void activeChanged(boolean active) {
            if (active) {
                activeList.addFirst(this); // list_add: newest first
            } else {
                activeList.remove(this);
            }
        }

        @Override
        void weightChanged(int prevWeight) {
            // __bfq_entity_update_weight_prio: the weights tree follows the new weight.
            weightsTreeRemove(this, prevWeight);
            if (wrCoeff == 1) {
                weightsTreeAdd(this);
            }
        }

        boolean seeky() {
            return Integer.bitCount(seekHistory) > 19;
        }

        boolean totallySeeky() {
            return seekHistory == -1;
        }

        boolean classIdle() {
            return classIdx == BfqWf2q.CLASS_IDLE;
        }

        int budgetLeft() {
            return budget - service;
        }

        @Override
        public String toString() {
            return "bfqq " + pid + (sync ? "S" : "A");
        }
    }

    // ------------------------------------------------------------------ state (struct bfq_data)

    private final Tunables t;
    private final BfqWf2q.Engine wf2q;
    private final Group root;
    private final Map<String, Group> groups = new HashMap<>();
    private final Map<IoOwner, Bic> bics = new HashMap<>();
    private Bic kernelBic;
    private final RequestList dispatchList = new RequestList();
    /** bfqd->active_list: queues on an active tree, newest first. */
    private final java.util.ArrayDeque<BfqQueue> activeList = new java.util.ArrayDeque<>();
    private BfqQueue lastCompletedRqBfqq;
    private boolean rqsInjected;
    private boolean waitDispatch;
    private BfqRq waitedRq;
    private long lastEmptyOccupiedNs;
    private long lastIdlingStartJiffies;
    private long injections;
    /** queue_weights_tree: weight -> active queues with it. */
    private final TreeMap<Integer, Integer> weightsTree = new TreeMap<>();
    private final int[] busyQueues = new int[BfqWf2q.CLASSES];
    private int wrBusyQueues;
    private int queued;
    private int totRqInDriver;
    private int maxRqInDriver;
    private int hwTag = -1;
    private int hwTagSamples;
    private boolean nonrotWithQueueing;
    private boolean rotational;
    private int numGroupsWithPendingReqs;
    private BfqQueue inService;
    private Timer idleTimer;
    private long lastBudgetStart;
    private long lastIdlingStart;
    private int budgetsAssigned;
    private int bfqMaxBudget = DEFAULT_MAX_BUDGET;
    private long peakRate;
    private long rateDurProd;
    private int peakRateSamples;
    private int sequentialSamples;
    private long totSectorsDispatched;
    private int lastRqMaxSize;
    private long deltaFromFirst;
    private long firstDispatch;
    private long lastDispatch;
    private long lastCompletion;
    private long lastPosition;
    private long inServLastPos;
    private BfqQueue bioBfqq;
    private Bic bioBic;
    private long treeSeq;
    private BfqRq[] spare = new BfqRq[16];
    private int spareCount;
    private final long[] expirations = new long[Reason.values().length];
    private long idleArms;
    private long queueMerges;
    private long queueSplits;
    private long wrStarts;

    public BfqScheduler(Tunables tunables) {
        this.t = tunables;
        this.wf2q = new BfqWf2q.Engine(this::jiffies);
        this.root = new Group("/", GROUP_DEFAULT_WEIGHT, true);
        if (t.maxBudget() > 0) {
            bfqMaxBudget = t.maxBudget();
        }
    }

    @Override
    public String name() {
        return "bfq";
    }

    public Tunables tunables() {
        return t;
    }

    /** bfq_init_queue. */
    @Override
    public void init(BlockQueue queue) {
        super.init(queue);
        rotational = queue.limits().rotational();
        int nonrot = rotational ? 0 : 1;
        nonrotWithQueueing = !rotational;
        rateDurProd = REF_RATE[nonrot] * REF_WR_DURATION[nonrot];
        peakRate = REF_RATE[nonrot] * 2L / 3;
    }

    /**
     * bfq_init_queue sets ELEVATOR_FLAG_DISABLE_WBT and calls wbt_disable_default: writeback
     * throttling is off while bfq runs.
     */
    @Override
    public boolean disablesWbt() {
        return true;
    }

    // ------------------------------------------------------------------ time

    private long now() {
        return q.sim().now();
    }

    private long jiffies() {
        return q == null ? 0 : q.sim().now() / JIFFY_NS;
    }

    /** time_before(a, b). */
    private static boolean before(long a, long b) {
        return a - b < 0;
    }

    /** bfq_smallest_from_now: jiffies - MAX_JIFFY_OFFSET. */
    private long smallestFromNow() {
        return jiffies() - ((Long.MAX_VALUE >> 1) - 1);
    }

    // ------------------------------------------------------------------ weights, classes

    /** bfq_ioprio_to_weight. */
    static int ioprioToWeight(int ioprio) {
        return (IOPRIO_NR_LEVELS - ioprio) * WEIGHT_CONVERSION_COEFF;
    }

    /**
     * The class index (RT 0, BE 1, IDLE 2) and level of the issuer's I/O priority (its
     * io_context's, as bfq reads bic->icq.ioc->ioprio), as bfq_set_next_ioprio_data maps them:
     * class NONE is the task's nice-derived class and level (BE, 4 for nice 0); IDLE has level 7.
     */
    private static int[] ioprioOf(IoOwner owner) {
        int v = owner == null ? 0 : owner.ioprio();
        int level = IoPriority.levelOf(v);
        return switch (IoPriority.classOf(v)) {
            case RT -> new int[] {BfqWf2q.CLASS_RT, level};
            case BE -> new int[] {BfqWf2q.CLASS_BE, level};
            case IDLE -> new int[] {BfqWf2q.CLASS_IDLE, IOPRIO_NR_LEVELS - 1};
            default -> new int[] {BfqWf2q.CLASS_BE, IOPRIO_NORM};
        };
    }

    private int maxBudgetNow() {
        return budgetsAssigned < STATS_MIN_BUDGETS ? DEFAULT_MAX_BUDGET : bfqMaxBudget;
    }

    /** bfq_min_budget. */
    private int minBudget() {
        return budgetsAssigned < STATS_MIN_BUDGETS ? DEFAULT_MAX_BUDGET / 32 : bfqMaxBudget / 32;
    }

    private int totBusyQueues() {
        return busyQueues[0] + busyQueues[1] + busyQueues[2];
    }

    /** bfq_weights_tree_add. */
    private void weightsTreeAdd(BfqQueue bfqq) {
        if (bfqq.inWeightsTree) {
            return;
        }
        weightsTree.merge(bfqq.weight, 1, Integer::sum);
        bfqq.inWeightsTree = true;
    }

    private void weightsTreeRemove(BfqQueue bfqq, int weight) {
        if (!bfqq.inWeightsTree) {
            return;
        }
        weightsTree.computeIfPresent(weight, (w, n) -> n == 1 ? null : n - 1);
        bfqq.inWeightsTree = false;
    }

    private void addInGroupsWithPendingReqs(BfqQueue bfqq) {
        if (!bfqq.inGroupsWithPendingReqs) {
            bfqq.inGroupsWithPendingReqs = true;
            if (bfqq.group.queuesWithPendingReqs++ == 0) {
                numGroupsWithPendingReqs++;
            }
        }
    }

    private void delInGroupsWithPendingReqs(BfqQueue bfqq) {
        if (bfqq.inGroupsWithPendingReqs) {
            bfqq.inGroupsWithPendingReqs = false;
            if (--bfqq.group.queuesWithPendingReqs == 0) {
                numGroupsWithPendingReqs--;
            }
        }
    }

    /** bfq_asymmetric_scenario. */
    private boolean asymmetricScenario(BfqQueue bfqq) {
        boolean smallestWeight = bfqq != null && bfqq.inWeightsTree && !weightsTree.isEmpty()
                && weightsTree.firstKey() == bfqq.weight;
        boolean variedQueueWeights = !smallestWeight && weightsTree.size() >= 2;
        boolean multipleClassesBusy = (busyQueues[0] > 0 && busyQueues[1] > 0) || (busyQueues[0] > 0 && busyQueues[2] > 0)
                || (busyQueues[1] > 0 && busyQueues[2] > 0);
        return variedQueueWeights || multipleClassesBusy || numGroupsWithPendingReqs > 1;
    }

    // ------------------------------------------------------------------ queues and processes

    /**
     * The group of the issuer's cgroup (bfq_bio_bfqg, bfq_bic_update_cgroup); its weight follows
     * the cgroup's bfq weight. One level below the root, as flat cgroups.
     */
    private Group groupOf(IoOwner owner) {
        Blkcg cg = owner == null ? Blkcg.ROOT : owner.blkcg();
        if (cg == null || cg.isRoot()) {
            return root;
        }
        Group g = groups.computeIfAbsent(cg.path(), p -> new Group(p, cg.bfqWeight(), false));
        if (g.entity.newWeight != cg.bfqWeight()) {
            g.entity.newWeight = cg.bfqWeight(); // bfq_io_set_weight_legacy
            g.entity.prioChanged = true;
        }
        return g;
    }

    private Bic bicOf(IoOwner owner) {
        if (owner == null) {
            if (kernelBic == null) {
                kernelBic = new Bic(0);
            }
            return kernelBic;
        }
        return bics.computeIfAbsent(owner, o -> new Bic(o.pid()));
    }

    /** bfq_get_queue / bfq_get_bfqq_handle_split: the process's sync queue or its group's async queue. */
    private BfqQueue queueFor(Bic bic, boolean sync, IoOwner owner) {
        int[] cp = ioprioOf(owner);
        int ioprio = cp[0] << 3 | cp[1];
        Group g = groupOf(owner);
        if (bic.ioprio != ioprio || bic.group != g) {
            // bfq_check_ioprio_change / bfq_bic_update_cgroup: a new async queue, the sync one re-weighted.
            bic.ioprio = ioprio;
            if (bic.group != g) {
                bic.syncQ = null;
            }
            bic.group = g;
            bic.asyncQ = null;
            if (bic.syncQ != null) {
                BfqQueue s = bic.syncQ;
                s.newClassIdx = cp[0];
                s.ioprio = cp[1];
                s.newWeight = ioprioToWeight(cp[1]);
                s.prioChanged = true;
            }
        }
        if (sync) {
            if (bic.syncQ == null) {
                bic.syncQ = new BfqQueue(g, true, bic.pid, cp[0], cp[1]);
                bic.syncQ.processRefs = 1;
            }
            return bic.syncQ;
        }
        if (bic.asyncQ == null) {
            BfqQueue a;
            if (cp[0] == BfqWf2q.CLASS_IDLE) {
                if (g.asyncIdle == null) {
                    g.asyncIdle = new BfqQueue(g, false, bic.pid, cp[0], cp[1]);
                    g.asyncIdle.processRefs = 1;
                }
                a = g.asyncIdle;
            } else {
                int c = cp[0] == BfqWf2q.CLASS_RT ? 0 : 1;
                if (g.async[c][cp[1]] == null) {
                    g.async[c][cp[1]] = new BfqQueue(g, false, bic.pid, cp[0], cp[1]);
                    g.async[c][cp[1]].processRefs = 1;
                }
                a = g.async[c][cp[1]];
            }
            a.processRefs++;
            bic.asyncQ = a;
        }
        return bic.asyncQ;
    }

    /** op_is_sync. */
    private static boolean isSync(Op op, int flags) {
        return op == Op.READ || (flags & (Bio.SYNC | Bio.FUA | Bio.PREFLUSH)) != 0;
    }

    private static int syncIdx(Request rq) {
        return isSync(rq.op, rq.flags) ? 1 : 0;
    }

    // ------------------------------------------------------------------ request state

    @Override
    public void prepareRequest(Request rq) {
        BfqRq b = spareCount > 0 ? spare[--spareCount] : new BfqRq();
        b.rq = rq;
        b.bfqq = null;
        b.bic = null;
        b.inSort = false;
        b.started = false;
        rq.elvPriv = b;
    }

    /** bfq_init_rq: the request's process and queue (with a pending queue split). */
    private BfqQueue initRq(Request rq) {
        BfqRq b = br(rq);
        if (b.bfqq != null) {
            return b.bfqq;
        }
        IoOwner owner = rq.owner();
        Bic bic = bicOf(owner);
        boolean sync = isSync(rq.op, rq.flags);
        BfqQueue bfqq = queueFor(bic, sync, owner);
        if (sync && bfqq.coop && bfqq.splitCoop) {
            bfqq = splitBfqq(bic, bfqq);
        }
        bic.requests++;
        b.bic = bic;
        b.bfqq = bfqq;
        return bfqq;
    }

    /** bfq_split_bfqq: the process leaves a merged queue that turned seeky and gets its own again. */
    private BfqQueue splitBfqq(Bic bic, BfqQueue bfqq) {
        queueSplits++;
        if (bfqq.processRefs == 1) {
            bfqq.pid = bic.pid;
            bfqq.coop = false;
            bfqq.splitCoop = false;
            return bfqq;
        }
        bfqq.processRefs--;
        int[] cp = {bfqq.classIdx, bfqq.ioprio};
        BfqQueue fresh = new BfqQueue(bfqq.group, true, bic.pid, cp[0], cp[1]);
        fresh.processRefs = 1;
        fresh.splitTime = jiffies();
        bic.syncQ = fresh;
        return fresh;
    }

    /** bfq_finish_requeue_request. */
    @Override
    public void completed(Request rq) {
        BfqRq b = br(rq);
        if (b == null) {
            return;
        }
        if (b.bfqq != null) {
            if (b.started) {
                if (b == waitedRq) {
                    updateInjectLimit(b.bfqq);
                }
                completedRequest(b.bfqq);
            }
            b.bic.requests--;
        }
        b.rq = null;
        b.bfqq = null;
        b.bic = null;
        rq.elvPriv = null;
        if (spareCount == spare.length) {
            spare = java.util.Arrays.copyOf(spare, spare.length * 2);
        }
        spare[spareCount++] = b;
    }

    // ------------------------------------------------------------------ sort list

    private void sortAdd(BfqQueue bfqq, BfqRq b) {
        b.sortKey = b.rq.sector;
        b.sortSeq = ++treeSeq;
        bfqq.sortList.add(b);
        b.inSort = true;
    }

    private void sortDel(BfqQueue bfqq, BfqRq b) {
        if (b.inSort) {
            bfqq.sortList.remove(b);
            b.inSort = false;
        }
    }

    /** bfq_choose_req: the better of two requests to serve after {@code last}. */
    private BfqRq chooseReq(BfqRq r1, BfqRq r2, long last) {
        if (r1 == null || r1 == r2) {
            return r2;
        }
        if (r2 == null) {
            return r1;
        }
        boolean s1sync = isSync(r1.rq.op, r1.rq.flags);
        boolean s2sync = isSync(r2.rq.op, r2.rq.flags);
        if (s1sync && !s2sync) {
            return r1;
        } else if (s2sync && !s1sync) {
            return r2;
        }
        boolean m1 = r1.rq.has(Bio.META);
        boolean m2 = r2.rq.has(Bio.META);
        if (m1 && !m2) {
            return r1;
        } else if (m2 && !m1) {
            return r2;
        }
        long s1 = r1.rq.sector;
        long s2 = r2.rq.sector;
        long backMax = (long) t.backSeekMaxKb() * 2;
        long d1 = 0;
        long d2 = 0;
        boolean wrap1 = false;
        boolean wrap2 = false;
        if (s1 >= last) {
            d1 = s1 - last;
        } else if (s1 + backMax >= last) {
            d1 = (last - s1) * t.backSeekPenalty();
        } else {
            wrap1 = true;
        }
        if (s2 >= last) {
            d2 = s2 - last;
        } else if (s2 + backMax >= last) {
            d2 = (last - s2) * t.backSeekPenalty();
        } else {
            wrap2 = true;
        }
        if (!wrap1 && !wrap2) {
            if (d1 < d2) {
                return r1;
            } else if (d2 < d1) {
                return r2;
            }
            return s1 >= s2 ? r1 : r2;
        }
        if (wrap2 && !wrap1) {
            return r1;
        }
        if (wrap1 && !wrap2) {
            return r2;
        }
        return s1 <= s2 ? r1 : r2;
    }

    /** bfq_check_fifo: the FIFO head once per slot when it has expired. */
    private BfqRq checkFifo(BfqQueue bfqq, BfqRq last) {
        if (bfqq.fifoExpire) {
            return null;
        }
        bfqq.fifoExpire = true;
        Request head = bfqq.fifo.first();
        if (head == null) {
            return null;
        }
        BfqRq b = br(head);
        if (b == last || now() < b.fifoTime) {
            return null;
        }
        return b;
    }

    /** bfq_find_next_rq. */
    private BfqRq findNextRq(BfqQueue bfqq, BfqRq last) {
        BfqRq next = checkFifo(bfqq, last);
        if (next != null) {
            return next;
        }
        BfqRq prev = bfqq.sortList.lower(last);
        next = bfqq.sortList.higher(last);
        if (next == null) {
            BfqRq first = bfqq.sortList.isEmpty() ? null : bfqq.sortList.first();
            if (first != null && first != last) {
                next = first;
            }
        }
        return chooseReq(next, prev, last.rq.sector);
    }

    /** bfq_serv_to_charge. */
    private int servToCharge(Request rq, BfqQueue bfqq) {
        if (bfqq.sync || bfqq.wrCoeff > 1 || asymmetricScenario(bfqq)) {
            return rq.nrSectors;
        }
        return rq.nrSectors * ASYNC_CHARGE_FACTOR;
    }

    /** bfq_updated_next_req. */
    private void updatedNextReq(BfqQueue bfqq) {
        BfqRq next = bfqq.nextRq;
        if (next == null || bfqq == inService) {
            return;
        }
        int newBudget = Math.max(Math.max(bfqq.maxBudget, servToCharge(next.rq, bfqq)), bfqq.service);
        if (bfqq.budget != newBudget) {
            bfqq.budget = newBudget;
            wf2q.activateRequeue(bfqq, false, false, false); // bfq_requeue_bfqq
        }
    }

    // ------------------------------------------------------------------ weight raising

    /** bfq_wr_duration. */
    private long wrDuration() {
        long dur = rateDurProd / Math.max(1, peakRate);
        return Math.max(DeadlineScheduler.msecsToJiffies(3000), Math.min(DeadlineScheduler.msecsToJiffies(25000), dur));
    }

    private void switchBackToInteractiveWr(BfqQueue bfqq) {
        bfqq.wrCoeff = WR_COEFF;
        bfqq.wrCurMaxTime = wrDuration();
        bfqq.lastWrStartFinish = bfqq.wrStartAtSwitchToSrt;
    }

    /** bfq_bfqq_end_wr. */
    private void endWr(BfqQueue bfqq) {
        if (bfqq.wrCurMaxTime != WR_RT_MAX_TIME) {
            bfqq.softRtNextStart = jiffies();
        }
        if (bfqq.busy) {
            wrBusyQueues--;
        }
        bfqq.wrCoeff = 1;
        bfqq.wrCurMaxTime = 0;
        bfqq.lastWrStartFinish = jiffies();
        bfqq.prioChanged = true;
    }

    /** bfq_update_bfqq_wr_on_rq_arrival. */
    private void updateWrOnArrival(BfqQueue bfqq, int oldWrCoeff, boolean wrOrDeservesWr, boolean interactive,
                                   boolean softRt) {
        if (oldWrCoeff == 1 && wrOrDeservesWr) {
            wrStarts++;
            if (interactive) {
                bfqq.serviceFromWr = 0;
                bfqq.wrCoeff = WR_COEFF;
                bfqq.wrCurMaxTime = wrDuration();
            } else {
                bfqq.wrStartAtSwitchToSrt = smallestFromNow();
                bfqq.wrCoeff = WR_COEFF * SOFTRT_WEIGHT_FACTOR;
                bfqq.wrCurMaxTime = WR_RT_MAX_TIME;
            }
            bfqq.budget = Math.min(bfqq.budget, 2 * minBudget());
        } else if (oldWrCoeff > 1) {
            if (interactive) {
                bfqq.wrCoeff = WR_COEFF;
                bfqq.wrCurMaxTime = wrDuration();
            } else if (softRt) {
                if (bfqq.wrCurMaxTime != WR_RT_MAX_TIME) {
                    bfqq.wrStartAtSwitchToSrt = bfqq.lastWrStartFinish;
                    bfqq.wrCurMaxTime = WR_RT_MAX_TIME;
                    bfqq.wrCoeff = WR_COEFF * SOFTRT_WEIGHT_FACTOR;
                }
                bfqq.lastWrStartFinish = jiffies();
            }
        }
    }

    /** bfq_update_wr_data: raising ends after its time or its service. */
    private void updateWrData(BfqQueue bfqq) {
        if (bfqq.wrCoeff > 1) {
            if (before(bfqq.lastWrStartFinish + bfqq.wrCurMaxTime, jiffies())) {
                if (bfqq.wrCurMaxTime != WR_RT_MAX_TIME
                        || before(bfqq.wrStartAtSwitchToSrt + wrDuration(), jiffies())) {
                    endWr(bfqq);
                } else {
                    switchBackToInteractiveWr(bfqq);
                    bfqq.prioChanged = true;
                }
            }
            if (bfqq.wrCoeff > 1 && bfqq.wrCurMaxTime != WR_RT_MAX_TIME
                    && bfqq.serviceFromWr > MAX_SERVICE_FROM_WR) {
                endWr(bfqq);
            }
        }
        if ((bfqq.weight > bfqq.origWeight) != (bfqq.wrCoeff > 1)) {
            wf2q.updateWeightPrio(bfqq.tree(), bfqq, false);
        }
    }

    // ------------------------------------------------------------------ busy / idle switches

    /** bfq_add_bfqq_busy. */
    private void addBusy(BfqQueue bfqq) {
        wf2q.activateRequeue(bfqq, bfqq.nonBlockingWaitRq, false, false); // bfq_activate_bfqq
        bfqq.nonBlockingWaitRq = false;
        bfqq.busy = true;
        busyQueues[bfqq.classIdx]++;
        if (bfqq.dispatched == 0) {
            addInGroupsWithPendingReqs(bfqq);
            if (bfqq.wrCoeff == 1) {
                weightsTreeAdd(bfqq);
            }
        }
        if (bfqq.wrCoeff > 1) {
            wrBusyQueues++;
        }
    }

    /** bfq_del_bfqq_busy. */
    private void delBusy(BfqQueue bfqq, boolean expiration) {
        bfqq.busy = false;
        busyQueues[bfqq.classIdx]--;
        if (bfqq.wrCoeff > 1) {
            wrBusyQueues--;
        }
        if (bfqq.dispatched == 0) {
            delInGroupsWithPendingReqs(bfqq);
            weightsTreeRemove(bfqq, bfqq.weight);
        }
        wf2q.deactivate(bfqq, true, expiration);
    }

    /** bfq_bfqq_update_budg_for_activation; true when the queue may preempt. */
    private boolean updateBudgetForActivation(BfqQueue bfqq, boolean arrivedInTime) {
        if (bfqq.nonBlockingWaitRq && arrivedInTime && bfqq.budgetLeft() > 0) {
            bfqq.budget = Math.min(bfqq.budgetLeft(), bfqq.maxBudget);
            bfqq.service = 0;
            return true;
        }
        bfqq.service = 0;
        bfqq.budget = Math.max(bfqq.maxBudget, servToCharge(bfqq.nextRq.rq, bfqq));
        bfqq.nonBlockingWaitRq = false;
        return false;
    }

    /** bfq_bfqq_higher_class_or_weight. */
    private static boolean higherClassOrWeight(BfqQueue bfqq, BfqQueue inServ) {
        if (bfqq.classIdx < inServ.classIdx) {
            return true;
        }
        int w;
        int wIn;
        if (inServ.parent == bfqq.parent) {
            w = bfqq.weight;
            wIn = inServ.weight;
        } else {
            w = bfqq.parent != null ? bfqq.parent.weight : bfqq.weight;
            wIn = inServ.parent != null ? inServ.parent.weight : inServ.weight;
        }
        return w > wIn;
    }

    /** bfq_bfqq_handle_idle_busy_switch. */
    private boolean handleIdleBusySwitch(BfqQueue bfqq, int oldWrCoeff) {
        long jif = jiffies();
        boolean idleForLongTime = bfqq.dispatched == 0 && before(bfqq.budgetTimeout + WR_MIN_IDLE_TIME, jif);
        boolean arrivedInTime = now() <= bfqq.lastEndRequest + t.sliceIdleNs() * 3;
        boolean softRt = WR_MAX_SOFTRT_RATE > 0 && !bfqq.totallySeeky() && before(bfqq.softRtNextStart, jif)
                && bfqq.dispatched == 0 && bfqq.newWeight == 40;
        boolean interactive = idleForLongTime && bfqq.newWeight == 40;
        boolean wrOrDeservesWr = t.lowLatency() && (bfqq.wrCoeff > 1
                || (bfqq.sync && bfqq.processRefs == 1 && (interactive || softRt)));
        boolean wantsToPreempt = updateBudgetForActivation(bfqq, arrivedInTime);
        bfqq.justCreated = false;
        if (t.lowLatency()) {
            if (before(jif, bfqq.splitTime)) {
                bfqq.splitTime = jif - WR_MIN_IDLE_TIME - 1;
            }
            if (before(bfqq.splitTime + WR_MIN_IDLE_TIME, jif)) {
                updateWrOnArrival(bfqq, oldWrCoeff, wrOrDeservesWr, interactive, softRt);
                if (oldWrCoeff != bfqq.wrCoeff) {
                    bfqq.prioChanged = true;
                }
            }
        }
        bfqq.lastIdleBklogged = jif;
        bfqq.serviceFromBacklogged = 0;
        bfqq.softrtUpdate = false;
        addBusy(bfqq);
        if (inService != null
                && ((wantsToPreempt && bfqq.wrCoeff >= inService.wrCoeff) || higherClassOrWeight(bfqq, inService)
                        || !betterToIdle(inService))
                && wf2q.nextMayPreempt()) {
            expire(inService, false, Reason.PREEMPTED);
        }
        return interactive;
    }

    // ------------------------------------------------------------------ insert

    /** bfq_update_io_thinktime. */
    private void updateThinktime(BfqQueue bfqq) {
        if (bfqq.dispatched > 0 || bfqq.busy) {
            return;
        }
        long elapsed = Math.min(now() - bfqq.lastEndRequest, 2 * t.sliceIdleNs());
        bfqq.ttimeSamples = (7 * bfqq.ttimeSamples + 256) / 8;
        bfqq.ttimeTotal = (7 * bfqq.ttimeTotal + 256 * elapsed) / 8;
        bfqq.ttimeMean = (bfqq.ttimeTotal + 128) / bfqq.ttimeSamples;
    }

    /** bfq_update_has_short_ttime. */
    private void updateHasShortTtime(BfqQueue bfqq) {
        if (!bfqq.sync || bfqq.classIdle() || t.sliceIdleNs() == 0) {
            return;
        }
        if (!before(bfqq.splitTime + WR_MIN_IDLE_TIME, jiffies())) {
            return; // time_is_after_eq_jiffies(split_time + wr_min_idle_time)
        }
        boolean shortTtime = !(bfqq.ttimeSamples > 80 && bfqq.ttimeMean > t.sliceIdleNs() >> 1);
        boolean changed = shortTtime != bfqq.hasShortTtime;
        bfqq.hasShortTtime = shortTtime;
        if (changed && bfqq.lastServTimeNs == 0
                && (!before(jiffies(), bfqq.decreaseTimeJif + DeadlineScheduler.msecsToJiffies(100)) || !shortTtime)) {
            resetInjectLimit(bfqq);
        }
    }

    /** BFQ_RQ_SEEKY. */
    private boolean rqSeeky(long lastPos, Request rq) {
        long dist = lastPos != 0 ? Math.abs(rq.sector - lastPos) : 0;
        return dist > SEEK_THR && (rotational || rq.nrSectors < SECT_THR_NONROT);
    }

    /** bfq_update_io_seektime. */
    private void updateSeektime(BfqQueue bfqq, Request rq) {
        bfqq.seekHistory <<= 1;
        bfqq.seekHistory |= rqSeeky(bfqq.lastRequestPos, rq) ? 1 : 0;
        if (bfqq.wrCoeff > 1 && bfqq.wrCurMaxTime == WR_RT_MAX_TIME && bfqq.totallySeeky()) {
            if (before(bfqq.wrStartAtSwitchToSrt + wrDuration(), jiffies())) {
                endWr(bfqq);
            } else {
                switchBackToInteractiveWr(bfqq);
                bfqq.prioChanged = true;
            }
        }
    }

    /** bfq_update_io_intensity. */
    private void updateIoIntensity(BfqQueue bfqq, long nowNs) {
        long totIoTime = nowNs - bfqq.ioStartTime;
        if (bfqq.sortList.isEmpty() && bfqq.dispatched == 0) {
            bfqq.totIdleTime += nowNs - bfqq.lastEndRequest;
        }
        if (bfqq.justCreated) {
            return;
        }
        bfqq.ioBound = !(bfqq.totIdleTime * 5 > totIoTime);
        if (totIoTime > 200 * NS_PER_MS) {
            bfqq.ioStartTime = nowNs - (totIoTime >> 1);
            bfqq.totIdleTime >>= 1;
        }
    }

    /** bfq_check_waker: a queue whose I/O keeps following another's completions is woken by it. */
    private void checkWaker(BfqQueue bfqq, long nowNs) {
        BfqQueue last = lastCompletedRqBfqq;
        if (last == null || last == bfqq || bfqq.hasShortTtime || nowNs - lastCompletion >= 4 * NS_PER_MS) {
            return;
        }
        if (last != bfqq.tentativeWakerBfqq || nowNs > bfqq.wakerDetectionStarted + 128 * t.sliceIdleNs()) {
            bfqq.tentativeWakerBfqq = last;
            bfqq.numWakerDetections = 1;
            bfqq.wakerDetectionStarted = nowNs;
        } else {
            bfqq.numWakerDetections++;
        }
        if (bfqq.numWakerDetections == 3) {
            if (bfqq.wakerBfqq != null) {
                bfqq.wakerBfqq.wokenList.remove(bfqq);
            }
            bfqq.wakerBfqq = last;
            bfqq.tentativeWakerBfqq = null;
            last.wokenList.remove(bfqq);
            last.wokenList.add(0, bfqq); // hlist_add_head
        }
    }

    /** bfq_reset_inject_limit. */
    private void resetInjectLimit(BfqQueue bfqq) {
        bfqq.lastServTimeNs = 0;
        waitedRq = null;
        bfqq.injectLimit = bfqq.hasShortTtime ? 0 : 1;
        bfqq.decreaseTimeJif = jiffies();
    }

    /** bfq_update_inject_limit: the waited-for request of the in-service queue completed. */
    private void updateInjectLimit(BfqQueue bfqq) {
        long tot = now() - lastEmptyOccupiedNs;
        int old = bfqq.injectLimit;
        if (bfqq.lastServTimeNs > 0 && rqsInjected) {
            long threshold = (bfqq.lastServTimeNs * 3) >> 1;
            if (tot >= threshold && old > 0) {
                bfqq.injectLimit--;
                bfqq.decreaseTimeJif = jiffies();
            } else if (tot < threshold && old <= maxRqInDriver) {
                bfqq.injectLimit++;
            }
        }
        if ((bfqq.lastServTimeNs == 0 && totRqInDriver == 1) || tot < bfqq.lastServTimeNs) {
            if (bfqq.lastServTimeNs == 0) {
                bfqq.injectLimit = Math.max(1, old);
            }
            bfqq.lastServTimeNs = tot;
        } else if (!rqsInjected && totRqInDriver == 1) {
            bfqq.lastServTimeNs = tot;
        }
        waitedRq = null;
        rqsInjected = false;
    }

    /** bfq_choose_bfqq_for_injection: another queue's request while the in-service one waits. */
    private BfqQueue chooseForInjection() {
        BfqQueue inServ = inService;
        int limit = inServ.injectLimit;
        boolean alwaysInject = inServ.wrCoeff == 1 || !inServ.hasShortTtime;
        // As written in the kernel, slice_idle (ns) is added to a jiffies count here.
        if (limit == 0 && inServ.lastServTimeNs == 0 && inServ.waitRequest
                && !before(jiffies(), lastIdlingStartJiffies + t.sliceIdleNs())) {
            limit = 1;
        }
        if (totRqInDriver >= limit) {
            return null;
        }
        for (BfqQueue bq : activeList) {
            if (!bq.sortList.isEmpty() && (alwaysInject || bq.wrCoeff > 1)
                    && servToCharge(bq.nextRq.rq, bq) <= bq.budgetLeft()) {
                if (!rotational && bq.nextRq.rq.nrSectors >= SECT_THR_NONROT && totRqInDriver >= 1) {
                    continue;
                }
                rqsInjected = true;
                return bq;
            }
        }
        return null;
    }

    /** bfq_add_request. */
    private void addRequest(BfqRq b) {
        BfqQueue bfqq = b.bfqq;
        int oldWrCoeff = bfqq.wrCoeff;
        boolean interactive = false;
        bfqq.queued[syncIdx(b.rq)]++;
        queued++;
        long nowNs = now();
        if (bfqq.sync && b.bic.requests <= 1) {
            checkWaker(bfqq, nowNs);
            long jif = jiffies();
            if (!before(jif, bfqq.decreaseTimeJif + DeadlineScheduler.msecsToJiffies(1000))) {
                resetInjectLimit(bfqq);
            }
            // Start measuring the in-service queue's service time for the injection limit.
            if (bfqq == inService && (totRqInDriver == 0 || (bfqq.lastServTimeNs > 0 && rqsInjected && totRqInDriver > 0))
                    && !before(jif, bfqq.decreaseTimeJif + DeadlineScheduler.msecsToJiffies(10))) {
                lastEmptyOccupiedNs = nowNs;
                waitDispatch = true;
                if (totRqInDriver == 0) {
                    rqsInjected = false;
                }
            }
        }
        if (bfqq.sync) {
            updateIoIntensity(bfqq, nowNs);
        }
        sortAdd(bfqq, b);
        BfqRq prev = bfqq.nextRq;
        bfqq.nextRq = chooseReq(bfqq.nextRq, b, lastPosition);
        if (!nonrotWithQueueing && prev != bfqq.nextRq) {
            posTreeAddMove(bfqq);
        }
        if (!bfqq.busy) {
            interactive = handleIdleBusySwitch(bfqq, oldWrCoeff);
        } else {
            if (t.lowLatency() && oldWrCoeff == 1 && !isSync(b.rq.op, b.rq.flags)
                    && before(bfqq.lastWrStartFinish + WR_MIN_INTER_ARR_ASYNC, jiffies())) {
                bfqq.wrCoeff = WR_COEFF;
                bfqq.wrCurMaxTime = wrDuration();
                wrBusyQueues++;
                bfqq.prioChanged = true;
            }
            if (prev != bfqq.nextRq) {
                updatedNextReq(bfqq);
            }
        }
        if (t.lowLatency() && (oldWrCoeff == 1 || bfqq.wrCoeff == 1 || interactive)) {
            bfqq.lastWrStartFinish = jiffies();
        }
    }

    /** bfq_insert_request. */
    @Override
    public boolean insert(Request rq, boolean atHead) {
        BfqRq b = br(rq);
        if (b == null) {
            dispatchList.addTail(rq); // no scheduler state: served first, as bfqd->dispatch
            return true;
        }
        initRq(rq);
        if (insertMerge(rq)) {
            return false;
        }
        if (atHead) {
            dispatchList.addHead(rq);
        } else {
            insertRequest(b);
            addMergeable(rq);
        }
        return true;
    }

    /** __bfq_insert_request. */
    private void insertRequest(BfqRq b) {
        BfqQueue bfqq = b.bfqq;
        BfqQueue newBfqq = setupCooperator(bfqq, b.rq.sector, true);
        if (newBfqq != null) {
            if (b.bic.syncQ == bfqq) {
                mergeBfqqs(b.bic, bfqq, newBfqq);
            }
            bfqq.justCreated = false;
            b.bfqq = newBfqq;
            bfqq = newBfqq;
        }
        updateThinktime(bfqq);
        updateHasShortTtime(bfqq);
        updateSeektime(bfqq, b.rq);
        addRequest(b);
        b.fifoTime = now() + (isSync(b.rq.op, b.rq.flags) ? t.fifoExpireSyncNs() : t.fifoExpireAsyncNs());
        bfqq.fifo.addTail(b.rq);
        rqEnqueued(bfqq, b.rq);
    }

    /** bfq_rq_enqueued: a large enough request ends idling, a timed-out queue expires. */
    private void rqEnqueued(BfqQueue bfqq, Request rq) {
        bfqq.lastRequestPos = rq.endSector();
        if (bfqq == inService && bfqq.waitRequest) {
            boolean smallReq = bfqq.queued[syncIdx(rq)] == 1 && rq.nrSectors < 32;
            boolean budgetTimeout = budgetTimeout(bfqq);
            if (smallReq && idlingBoostsThrWithoutIssues(bfqq) && !budgetTimeout) {
                return;
            }
            bfqq.waitRequest = false;
            cancelIdleTimer();
            if (budgetTimeout) {
                expire(bfqq, false, Reason.BUDGET_TIMEOUT);
            }
        }
    }

    /** bfq_remove_request. */
    private void removeRequest(BfqRq b) {
        BfqQueue bfqq = b.bfqq;
        if (bfqq.nextRq == b) {
            bfqq.nextRq = findNextRq(bfqq, b);
            if (bfqq.nextRq == b) {
                bfqq.nextRq = null;
            }
            updatedNextReq(bfqq);
        }
        bfqq.fifo.remove(b.rq);
        bfqq.queued[syncIdx(b.rq)]--;
        queued--;
        sortDel(bfqq, b);
        forget(b.rq);
        if (bfqq.sortList.isEmpty()) {
            bfqq.nextRq = null;
            if (bfqq.busy && bfqq != inService) {
                delBusy(bfqq, false);
                bfqq.budget = 0;
                bfqq.service = 0;
            }
            posTreeRemove(bfqq);
        } else if (!nonrotWithQueueing) {
            posTreeAddMove(bfqq);
        }
    }

    // ------------------------------------------------------------------ merging

    @Override
    public boolean bioMerge(Bio bio) {
        Bic bic = bicOf(bio.owner);
        boolean sync = isSync(bio.op, bio.flags);
        bioBfqq = sync ? bic.syncQ : bic.asyncQ; // bic_to_bfqq
        bioBic = bic;
        try {
            return super.bioMerge(bio);
        } finally {
            bioBfqq = null;
            bioBic = null;
        }
    }

    /** bfq_allow_bio_merge: only into a request of the bio's own queue (after a possible queue merge). */
    @Override
    protected boolean allowBioMerge(Request rq, Bio bio) {
        if (isSync(bio.op, bio.flags) && !isSync(rq.op, rq.flags)) {
            return false;
        }
        BfqQueue bfqq = bioBfqq;
        if (bfqq == null) {
            return false;
        }
        BfqQueue newBfqq = setupCooperator(bfqq, bio.sector, false);
        if (newBfqq != null) {
            mergeBfqqs(bioBic, bfqq, newBfqq);
            bfqq = newBfqq;
            bioBfqq = bfqq;
        }
        BfqRq b = br(rq);
        return b != null && bfqq == b.bfqq;
    }

    /** bfq_request_merge: a request of the bio's queue that starts where the bio ends. */
    @Override
    protected Request requestMerge(Bio bio) {
        BfqQueue bfqq = bioBfqq;
        if (bfqq == null) {
            return null;
        }
        long end = bio.endSector();
        for (BfqRq b : bfqq.sortList.tailSet(probe(end), true)) {
            if (b.sortKey != end) {
                break;
            }
            if (b.rq.sector == end && q.merge.bioMergeOk(b.rq, bio) && allowBioMerge(b.rq, bio)) {
                return b.rq;
            }
        }
        return null;
    }

    private BfqRq probe(long key) {
        BfqRq p = new BfqRq();
        p.sortKey = key;
        p.sortSeq = Long.MIN_VALUE;
        return p;
    }

    /** bfq_request_merged: a front merge that moved the request before its predecessor re-sorts it. */
    @Override
    protected void requestMerged(Request rq, boolean front) {
        BfqRq b = br(rq);
        if (!front || b == null || !b.inSort) {
            return;
        }
        BfqQueue bfqq = b.bfqq;
        BfqRq prevInTree = bfqq.sortList.lower(b);
        if (prevInTree != null && rq.sector < prevInTree.rq.sector) {
            sortDel(bfqq, b);
            sortAdd(bfqq, b);
            BfqRq prev = bfqq.nextRq;
            bfqq.nextRq = chooseReq(bfqq.nextRq, b, lastPosition);
            if (prev != bfqq.nextRq) {
                updatedNextReq(bfqq);
                if (!nonrotWithQueueing) {
                    posTreeAddMove(bfqq);
                }
            }
        }
    }

    /** bfq_requests_merged. */
    @Override
    protected void mergedRequests(Request rq, Request next) {
        BfqRq b = br(rq);
        BfqRq bn = br(next);
        if (b != null && bn != null && b.bfqq != null) {
            BfqQueue bfqq = b.bfqq;
            if (bfqq == bn.bfqq && RequestList.onList(rq) && RequestList.onList(next) && bn.fifoTime < b.fifoTime) {
                ((RequestList) next.schedData).moveAfter(rq, next);
                bfqq.fifo.remove(next);
                b.fifoTime = bn.fifoTime;
            }
            if (bfqq.nextRq == bn) {
                bfqq.nextRq = b;
            }
        }
        if (bn != null && bn.inSort) {
            removeRequest(bn);
        } else {
            dispatchList.remove(next);
        }
    }

    @Override
    protected Request latterRequest(Request rq) {
        BfqRq b = br(rq);
        if (b == null || !b.inSort) {
            return null;
        }
        BfqRq n = b.bfqq.sortList.higher(b);
        return n == null ? null : n.rq;
    }

    @Override
    protected Request formerRequest(Request rq) {
        BfqRq b = br(rq);
        if (b == null || !b.inSort) {
            return null;
        }
        BfqRq p = b.bfqq.sortList.lower(b);
        return p == null ? null : p.rq;
    }

    // ------------------------------------------------------------------ cooperating processes

    private boolean tooLateForMerging(BfqQueue bfqq) {
        return bfqq.serviceFromBacklogged > 0 && before(bfqq.firstIoTime + MERGE_TIME_LIMIT, jiffies());
    }

    /** bfq_pos_tree_add_move: the queue filed under its next request's sector. */
    private void posTreeAddMove(BfqQueue bfqq) {
        posTreeRemove(bfqq);
        if (tooLateForMerging(bfqq) || bfqq.classIdle() || bfqq.nextRq == null) {
            return;
        }
        long key = bfqq.nextRq.rq.sector;
        if (!bfqq.group.posTree.containsKey(key)) {
            bfqq.group.posTree.put(key, bfqq);
            bfqq.posKey = key;
        }
    }

    private void posTreeRemove(BfqQueue bfqq) {
        if (bfqq.posKey != null) {
            bfqq.group.posTree.remove(bfqq.posKey, bfqq);
            bfqq.posKey = null;
        }
    }

    /** bfqq_find_close: a queue whose next request is within BFQQ_CLOSE_THR of {@code sector}. */
    private BfqQueue findClose(BfqQueue cur, long sector) {
        TreeMap<Long, BfqQueue> tree = cur.group.posTree;
        if (tree.isEmpty()) {
            return null;
        }
        BfqQueue exact = tree.get(sector);
        if (exact != null) {
            return exact;
        }
        Map.Entry<Long, BfqQueue> lo = tree.lowerEntry(sector);
        Map.Entry<Long, BfqQueue> hi = tree.higherEntry(sector);
        for (Map.Entry<Long, BfqQueue> e : new Map.Entry[] {lo, hi}) {
            if (e != null && Math.abs(e.getKey() - sector) <= CLOSE_THR) {
                return e.getValue();
            }
        }
        return null;
    }

    /** bfq_may_be_close_cooperator. */
    private boolean mayBeCloseCooperator(BfqQueue bfqq, BfqQueue newBfqq) {
        if (tooLateForMerging(newBfqq)) {
            return false;
        }
        if (bfqq.classIdle() || newBfqq.classIdle() || bfqq.classIdx != newBfqq.classIdx) {
            return false;
        }
        if (bfqq.seeky() || newBfqq.seeky()) {
            return false;
        }
        return bfqq.sync && newBfqq.sync;
    }

    /** bfq_setup_merge. */
    private BfqQueue setupMerge(BfqQueue bfqq, BfqQueue newBfqq) {
        if (newBfqq.processRefs == 0) {
            return null;
        }
        while (newBfqq.newBfqq != null) {
            if (newBfqq.newBfqq == bfqq) {
                return null;
            }
            newBfqq = newBfqq.newBfqq;
        }
        if (bfqq.processRefs == 0 || newBfqq.processRefs == 0 || newBfqq.parent != bfqq.parent) {
            return null;
        }
        bfqq.newBfqq = newBfqq;
        return newBfqq;
    }

    /** bfq_setup_cooperator (without stable merging). */
    private BfqQueue setupCooperator(BfqQueue bfqq, long pos, boolean request) {
        if (bfqq.newBfqq != null) {
            return bfqq.newBfqq;
        }
        if (nonrotWithQueueing || tooLateForMerging(bfqq) || totBusyQueues() == 1) {
            return null;
        }
        BfqQueue inServ = inService;
        if (inServ != null && inServ != bfqq && Math.abs(pos - inServLastPos) <= CLOSE_THR
                && bfqq.parent == inServ.parent && mayBeCloseCooperator(bfqq, inServ)) {
            BfqQueue n = setupMerge(bfqq, inServ);
            if (n != null) {
                return n;
            }
        }
        BfqQueue close = findClose(bfqq, pos);
        if (close != null && close != bfqq && mayBeCloseCooperator(bfqq, close)) {
            return setupMerge(bfqq, close);
        }
        return null;
    }

    /** bfq_merge_bfqqs: the process moves to the shared queue. */
    private void mergeBfqqs(Bic bic, BfqQueue bfqq, BfqQueue newBfqq) {
        queueMerges++;
        if (bfqq.ioBound) {
            newBfqq.ioBound = true;
        }
        bfqq.ioBound = false;
        if (newBfqq.wrCoeff == 1 && bfqq.wrCoeff > 1) {
            newBfqq.wrCoeff = bfqq.wrCoeff;
            newBfqq.wrCurMaxTime = bfqq.wrCurMaxTime;
            newBfqq.lastWrStartFinish = bfqq.lastWrStartFinish;
            newBfqq.wrStartAtSwitchToSrt = bfqq.wrStartAtSwitchToSrt;
            if (newBfqq.busy) {
                wrBusyQueues++;
            }
            newBfqq.prioChanged = true;
        }
        if (bfqq.wrCoeff > 1) {
            bfqq.wrCoeff = 1;
            bfqq.prioChanged = true;
            if (bfqq.busy) {
                wrBusyQueues--;
            }
        }
        if (bic != null) {
            bic.syncQ = newBfqq;
        }
        newBfqq.coop = true;
        newBfqq.processRefs += 1;
        newBfqq.pid = -1;
        bfqq.processRefs = Math.max(0, bfqq.processRefs - 1);
        // bfq_release_process_ref
        if (bfqq.busy && bfqq.sortList.isEmpty() && bfqq != inService) {
            delBusy(bfqq, false);
        }
    }

    // ------------------------------------------------------------------ idling

    /** idling_boosts_thr_without_issues. */
    private boolean idlingBoostsThrWithoutIssues(BfqQueue bfqq) {
        boolean hwTagSet = hwTag != 0;
        boolean rotWithoutQueueing = rotational && !hwTagSet;
        if (bfqq.processRefs == 0) {
            return false;
        }
        boolean seqAndIoBound = !bfqq.seeky() && bfqq.ioBound && bfqq.hasShortTtime;
        boolean boosts = rotWithoutQueueing || ((rotational || !hwTagSet) && seqAndIoBound);
        return boosts && wrBusyQueues == 0;
    }

    /** idling_needed_for_service_guarantees. */
    private boolean idlingNeededForServiceGuarantees(BfqQueue bfqq) {
        int tot = totBusyQueues();
        if (bfqq.processRefs == 0) {
            return false;
        }
        return (bfqq.wrCoeff > 1 && (wrBusyQueues < tot || totRqInDriver >= bfqq.dispatched + 4))
                || asymmetricScenario(bfqq) || tot == 1;
    }

    /** bfq_better_to_idle. */
    private boolean betterToIdle(BfqQueue bfqq) {
        if (bfqq.processRefs == 0) {
            return false;
        }
        if (t.strictGuarantees()) {
            return true;
        }
        if (t.sliceIdleNs() == 0 || !bfqq.sync || bfqq.classIdle()) {
            return false;
        }
        return idlingBoostsThrWithoutIssues(bfqq) || idlingNeededForServiceGuarantees(bfqq);
    }

    /** bfq_bfqq_must_idle. */
    private boolean mustIdle(BfqQueue bfqq) {
        return bfqq.sortList.isEmpty() && betterToIdle(bfqq);
    }

    /** bfq_arm_slice_timer. */
    private void armSliceTimer() {
        BfqQueue bfqq = inService;
        bfqq.waitRequest = true;
        long sl = t.sliceIdleNs();
        if (bfqq.seeky() && bfqq.wrCoeff == 1 && !asymmetricScenario(bfqq)) {
            sl = Math.min(sl, MIN_TT_NS);
        } else if (bfqq.wrCoeff > 1) {
            sl = Math.max(sl, 20 * NS_PER_MS);
        }
        lastIdlingStart = now();
        lastIdlingStartJiffies = jiffies();
        cancelIdleTimer();
        idleArms++;
        idleTimer = q.sim().timerAfter(sl, this::idleSliceTimer);
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    /** bfq_idle_slice_timer: the queue did not send its next request in time. */
    private void idleSliceTimer() {
        idleTimer = null;
        BfqQueue bfqq = inService;
        if (bfqq == null) {
            return;
        }
        bfqq.waitRequest = false;
        Reason reason;
        if (budgetTimeout(bfqq)) {
            reason = Reason.BUDGET_TIMEOUT;
        } else if (bfqq.queued[0] == 0 && bfqq.queued[1] == 0) {
            reason = Reason.TOO_IDLE;
        } else {
            reason = null;
        }
        if (reason != null) {
            expire(bfqq, true, reason);
        }
        scheduleDispatch();
    }

    /** bfq_schedule_dispatch: blk_mq_run_hw_queues from kblockd. */
    private void scheduleDispatch() {
        if (queued != 0) {
            q.runHwQueue(q.kblockd);
        }
    }

    // ------------------------------------------------------------------ budgets and expiration

    /** bfq_bfqq_budget_timeout. */
    private boolean budgetTimeout(BfqQueue bfqq) {
        return !before(jiffies(), bfqq.budgetTimeout);
    }

    /** bfq_may_expire_for_budg_timeout. */
    private boolean mayExpireForBudgTimeout(BfqQueue bfqq) {
        return (!bfqq.waitRequest || bfqq.budgetLeft() >= bfqq.budget / 3) && budgetTimeout(bfqq);
    }

    /** bfq_set_budget_timeout. */
    private void setBudgetTimeout(BfqQueue bfqq) {
        int coeff = bfqq.wrCurMaxTime == WR_RT_MAX_TIME ? 1 : bfqq.weight / bfqq.origWeight;
        lastBudgetStart = now();
        bfqq.budgetTimeout = jiffies() + t.timeoutJiffies() * coeff;
    }

    /** bfq_calc_max_budget. */
    private int calcMaxBudget() {
        return (int) (peakRate * 1000 * (t.timeoutJiffies() * 1000 / HZ) >> RATE_SHIFT);
    }

    /** __bfq_bfqq_recalc_budget. */
    private void recalcBudget(BfqQueue bfqq, Reason reason) {
        int minBudget = minBudget();
        int budget = bfqq.wrCoeff == 1 ? bfqq.maxBudget : 2 * minBudget;
        if (bfqq.sync && bfqq.wrCoeff == 1) {
            switch (reason) {
                case TOO_IDLE -> {
                    if (bfqq.dispatched > 0) {
                        budget = Math.min(budget * 2, bfqMaxBudget);
                    } else if (budget > 5 * minBudget) {
                        budget -= 4 * minBudget;
                    } else {
                        budget = minBudget;
                    }
                }
                case BUDGET_TIMEOUT -> budget = Math.min(budget * 2, bfqMaxBudget);
                case BUDGET_EXHAUSTED -> budget = Math.min(budget * 4, bfqMaxBudget);
                case NO_MORE_REQUESTS -> budget = Math.max(bfqq.service, minBudget);
                default -> {
                    return;
                }
            }
        } else if (!bfqq.sync) {
            budget = bfqMaxBudget;
        }
        bfqq.maxBudget = budget;
        if (budgetsAssigned >= STATS_MIN_BUDGETS && t.maxBudget() == 0) {
            bfqq.maxBudget = Math.min(bfqq.maxBudget, bfqMaxBudget);
        }
        if (bfqq.nextRq != null) {
            bfqq.budget = Math.max(bfqq.maxBudget, servToCharge(bfqq.nextRq.rq, bfqq));
        }
    }

    /** bfq_bfqq_is_slow; sets {@link #slowDeltaMs}. */
    private boolean isSlow(BfqQueue bfqq, boolean compensate) {
        boolean slow = bfqq.seeky();
        if (!bfqq.sync) {
            slowDeltaMs = 0;
            return false;
        }
        long deltaUs = ((compensate ? lastIdlingStart : now()) - lastBudgetStart) / NS_PER_US;
        if (deltaUs < 1000) {
            slowDeltaMs = rotational ? 8 : MIN_TT_NS / NS_PER_MS; // the constant bfq_slice_idle, not the tunable
            return slow;
        }
        slowDeltaMs = deltaUs / 1000;
        if (deltaUs > 20000) {
            slow = bfqq.service < bfqMaxBudget / 2;
        }
        return slow;
    }

    private long slowDeltaMs;

    /** bfq_bfqq_charge_time: a slow queue is charged the service its time was worth. */
    private void chargeTime(BfqQueue bfqq, long timeMs) {
        int tot = bfqq.service;
        long timeoutMs = t.timeoutJiffies() * 1000 / HZ;
        if (timeMs > 0 && timeMs < timeoutMs) {
            tot = (int) (bfqMaxBudget * timeMs / timeoutMs);
        }
        if (tot < bfqq.service) {
            tot = bfqq.service;
        }
        if (tot > bfqq.budget) {
            bfqq.budget = tot;
        }
        served(bfqq, Math.max(0, tot - bfqq.service));
    }

    /** bfq_bfqq_served. */
    private void served(BfqQueue bfqq, int sectors) {
        if (bfqq.serviceFromBacklogged == 0) {
            bfqq.firstIoTime = jiffies();
        }
        if (bfqq.wrCoeff > 1) {
            bfqq.serviceFromWr += sectors;
        }
        bfqq.serviceFromBacklogged += sectors;
        wf2q.served(bfqq, sectors);
    }

    /** bfq_bfqq_softrt_next_start. */
    private long softrtNextStart(BfqQueue bfqq) {
        return Math.max(Math.max(bfqq.softRtNextStart,
                        bfqq.lastIdleBklogged + HZ * bfqq.serviceFromBacklogged / WR_MAX_SOFTRT_RATE),
                jiffies() + t.sliceIdleNs() / JIFFY_NS + 4);
    }

    /** bfq_bfqq_expire. */
    private void expire(BfqQueue bfqq, boolean compensate, Reason reason) {
        expirations[reason.ordinal()]++;
        boolean slow = isSlow(bfqq, compensate);
        long delta = slowDeltaMs;
        if (bfqq.wrCoeff == 1 && (slow || (reason == Reason.BUDGET_TIMEOUT && bfqq.budgetLeft() >= bfqq.budget / 3))) {
            chargeTime(bfqq, delta);
        }
        if (t.lowLatency() && bfqq.wrCoeff == 1) {
            bfqq.lastWrStartFinish = jiffies();
        }
        if (t.lowLatency() && WR_MAX_SOFTRT_RATE > 0 && bfqq.sortList.isEmpty()) {
            if (bfqq.dispatched == 0) {
                bfqq.softRtNextStart = softrtNextStart(bfqq);
            } else {
                bfqq.softrtUpdate = true;
            }
        }
        rqsInjected = false;
        waitDispatch = false;
        waitedRq = null;
        recalcBudget(bfqq, reason);
        // __bfq_bfqq_expire
        if (bfqq.coop && bfqq.seeky()) {
            bfqq.splitCoop = true;
        }
        if (bfqq.sortList.isEmpty() && !(reason == Reason.PREEMPTED && idlingNeededForServiceGuarantees(bfqq))) {
            if (bfqq.dispatched == 0) {
                bfqq.budgetTimeout = jiffies();
            }
            delBusy(bfqq, true);
        } else {
            wf2q.activateRequeue(bfqq, false, true, true); // bfq_requeue_bfqq(expiration)
            if (!nonrotWithQueueing && !bfqq.sortList.isEmpty()) {
                posTreeAddMove(bfqq);
            }
        }
        // __bfq_bfqd_reset_in_service
        bfqq.waitRequest = false;
        cancelIdleTimer();
        inService = null;
        wf2q.resetInService(bfqq);
        if (!bfqq.busy && reason != Reason.BUDGET_TIMEOUT && reason != Reason.BUDGET_EXHAUSTED) {
            bfqq.nonBlockingWaitRq = true;
        } else {
            bfqq.service = 0;
        }
        for (Entity e = bfqq.parent; e != null; e = e.parent) {
            e.service = 0;
        }
    }

    /** bfq_set_in_service_queue. */
    private BfqQueue setInServiceQueue() {
        BfqQueue bfqq = (BfqQueue) wf2q.getNextQueue();
        if (bfqq != null) {
            bfqq.fifoExpire = false;
            budgetsAssigned = (budgetsAssigned * 7 + 256) / 8;
            long jif = jiffies();
            if (before(bfqq.lastWrStartFinish, jif) && bfqq.wrCoeff > 1 && bfqq.wrCurMaxTime == WR_RT_MAX_TIME
                    && before(bfqq.budgetTimeout, jif)) {
                if (before(bfqq.lastWrStartFinish, bfqq.budgetTimeout)) {
                    bfqq.lastWrStartFinish += jif - bfqq.budgetTimeout;
                } else {
                    bfqq.lastWrStartFinish = jif;
                }
            }
            setBudgetTimeout(bfqq);
        }
        inService = bfqq;
        inServLastPos = 0;
        return bfqq;
    }

    // ------------------------------------------------------------------ dispatch

    @Override
    public boolean hasWork() {
        return !dispatchList.isEmpty() || queued > 0;
    }

    /** bfq_select_queue (without injection). */
    private BfqQueue selectQueue() {
        BfqQueue bfqq = inService;
        Reason reason = Reason.BUDGET_TIMEOUT;
        boolean checkOnly = false;
        if (bfqq != null) {
            if (mayExpireForBudgTimeout(bfqq) && !mustIdle(bfqq)) {
                expire(bfqq, false, reason);
                bfqq = null;
            } else {
                checkOnly = true;
            }
        }
        while (true) {
            if (!checkOnly) {
                bfqq = setInServiceQueue();
                if (bfqq == null) {
                    return null;
                }
            }
            checkOnly = false;
            BfqRq next = bfqq.nextRq;
            if (next != null) {
                if (servToCharge(next.rq, bfqq) > bfqq.budgetLeft()) {
                    reason = Reason.BUDGET_EXHAUSTED;
                } else {
                    if (bfqq.waitRequest) {
                        bfqq.waitRequest = false;
                        cancelIdleTimer();
                    }
                    return bfqq;
                }
            } else if (bfqq.waitRequest || (bfqq.dispatched != 0 && betterToIdle(bfqq))) {
                // Keep the queue, idling; serve its waker, a queue it wakes, or an injected one meanwhile.
                BfqQueue waker = bfqq.wakerBfqq;
                BfqQueue blocked = bfqq.wokenList.isEmpty() ? null : bfqq.wokenList.get(0);
                if (waker != null && waker.busy && waker.nextRq != null
                        && servToCharge(waker.nextRq.rq, waker) <= waker.budgetLeft()) {
                    injections++;
                    return waker;
                } else if (blocked != null && blocked.busy && blocked.nextRq != null
                        && servToCharge(blocked.nextRq.rq, blocked) <= blocked.budgetLeft()) {
                    injections++;
                    return blocked;
                } else if (!idlingBoostsThrWithoutIssues(bfqq)
                        && (bfqq.wrCoeff == 1 || wrBusyQueues > 1 || !bfqq.hasShortTtime)) {
                    BfqQueue inj = chooseForInjection();
                    if (inj != null) {
                        injections++;
                    }
                    return inj;
                }
                return null;
            } else {
                reason = Reason.NO_MORE_REQUESTS;
            }
            expire(bfqq, false, reason);
        }
    }

    /** bfq_update_rate_reset. */
    private void updateRateReset(BfqRq b) {
        if (peakRateSamples >= RATE_MIN_SAMPLES && deltaFromFirst >= RATE_MIN_INTERVAL_NS) {
            deltaFromFirst = Math.max(deltaFromFirst, lastCompletion - firstDispatch);
            long rate = (totSectorsDispatched << RATE_SHIFT) / Math.max(1, deltaFromFirst / NS_PER_US);
            if (!((sequentialSamples < (3 * peakRateSamples) >> 2 && rate <= peakRate) || rate > 20L << RATE_SHIFT)) {
                long weight = (9L * sequentialSamples) / peakRateSamples;
                weight = Math.min(8, weight * deltaFromFirst / RATE_REF_INTERVAL_NS);
                long divisor = 10 - weight;
                peakRate *= divisor - 1;
                peakRate /= divisor;
                rate /= divisor;
                peakRate += rate;
                peakRate = Math.max(1, peakRate);
                if (t.maxBudget() == 0) {
                    bfqMaxBudget = calcMaxBudget(); // update_thr_responsiveness_params
                }
            }
        }
        resetRateComputation(b);
    }

    /** bfq_reset_rate_computation. */
    private void resetRateComputation(BfqRq b) {
        if (b != null) {
            lastDispatch = now();
            firstDispatch = lastDispatch;
            peakRateSamples = 1;
            sequentialSamples = 0;
            totSectorsDispatched = b.rq.nrSectors;
            lastRqMaxSize = b.rq.nrSectors;
        } else {
            peakRateSamples = 0;
        }
    }

    /** bfq_update_peak_rate. */
    private void updatePeakRate(BfqRq b) {
        long nowNs = now();
        Request rq = b.rq;
        if (peakRateSamples == 0) {
            resetRateComputation(b);
        } else if (nowNs - lastDispatch > 100 * NS_PER_MS && totRqInDriver == 0) {
            updateRateReset(b);
        } else {
            peakRateSamples++;
            if ((totRqInDriver > 0 || nowNs - lastCompletion < MIN_TT_NS) && !rqSeeky(lastPosition, rq)) {
                sequentialSamples++;
            }
            totSectorsDispatched += rq.nrSectors;
            if (peakRateSamples % 32 != 0) {
                lastRqMaxSize = Math.max(rq.nrSectors, lastRqMaxSize);
            } else {
                lastRqMaxSize = rq.nrSectors;
            }
            deltaFromFirst = nowNs - firstDispatch;
            if (deltaFromFirst >= RATE_REF_INTERVAL_NS) {
                updateRateReset(b);
            }
        }
        lastPosition = rq.endSector();
        if (b.bfqq == inService) {
            inServLastPos = lastPosition;
        }
        lastDispatch = nowNs;
    }

    /** bfq_dispatch_rq_from_bfqq. */
    private BfqRq dispatchFromBfqq(BfqQueue bfqq) {
        BfqRq b = bfqq.nextRq;
        served(bfqq, servToCharge(b.rq, bfqq));
        bfqq.sectorsServed += b.rq.nrSectors;
        if (bfqq == inService && waitDispatch) {
            waitDispatch = false;
            waitedRq = b;
        }
        // bfq_dispatch_remove
        bfqq.dispatched++;
        updatePeakRate(b);
        removeRequest(b);
        if (bfqq != inService) {
            return b;
        }
        updateWrData(bfqq);
        if (totBusyQueues() > 1 && bfqq.classIdle()) {
            expire(bfqq, false, Reason.BUDGET_EXHAUSTED);
        }
        return b;
    }

    /** __bfq_dispatch_request. */
    @Override
    public Request dispatch() {
        if (!dispatchList.isEmpty()) {
            Request rq = dispatchList.pollFirst();
            forget(rq);
            BfqRq b = br(rq);
            if (b != null && b.bfqq != null) {
                b.bfqq.dispatched++;
                b.started = true;
                totRqInDriver++;
            }
            return rq;
        }
        if (totBusyQueues() == 0) {
            return null;
        }
        if (t.strictGuarantees() && totRqInDriver > 0) {
            return null;
        }
        BfqQueue bfqq = selectQueue();
        if (bfqq == null) {
            return null;
        }
        BfqRq b = dispatchFromBfqq(bfqq);
        b.started = true;
        totRqInDriver++;
        return b.rq;
    }

    // ------------------------------------------------------------------ completion

    /** bfq_update_hw_tag: does the device queue requests internally? */
    private void updateHwTag() {
        BfqQueue bfqq = inService;
        maxRqInDriver = Math.max(maxRqInDriver, totRqInDriver);
        if (hwTag == 1) {
            return;
        }
        if (totRqInDriver + queued <= HW_QUEUE_THRESHOLD) {
            return;
        }
        if (bfqq != null && bfqq.hasShortTtime
                && bfqq.dispatched + bfqq.queued[0] + bfqq.queued[1] < HW_QUEUE_THRESHOLD
                && totRqInDriver < HW_QUEUE_THRESHOLD) {
            return;
        }
        if (hwTagSamples++ < HW_QUEUE_SAMPLES) {
            return;
        }
        hwTag = maxRqInDriver > HW_QUEUE_THRESHOLD ? 1 : 0;
        maxRqInDriver = 0;
        hwTagSamples = 0;
        nonrotWithQueueing = !rotational && hwTag == 1;
    }

    /** bfq_completed_request. */
    private void completedRequest(BfqQueue bfqq) {
        updateHwTag();
        totRqInDriver--;
        bfqq.dispatched--;
        if (bfqq.dispatched == 0 && !bfqq.busy) {
            bfqq.budgetTimeout = jiffies();
            delInGroupsWithPendingReqs(bfqq);
            weightsTreeRemove(bfqq, bfqq.weight);
        }
        long nowNs = now();
        bfqq.lastEndRequest = nowNs;
        long deltaUs = (nowNs - lastCompletion) / NS_PER_US;
        if (deltaUs > MIN_TT_NS / NS_PER_US && ((long) lastRqMaxSize << RATE_SHIFT) / deltaUs < 1L << (RATE_SHIFT - 10)) {
            updateRateReset(null);
        }
        lastCompletion = nowNs;
        lastCompletedRqBfqq = bfqq.coop ? null : bfqq;
        if (bfqq.softrtUpdate && bfqq.dispatched == 0 && bfqq.sortList.isEmpty() && bfqq.wrCoeff != WR_COEFF) {
            bfqq.softRtNextStart = softrtNextStart(bfqq);
        }
        if (inService == bfqq) {
            if (mustIdle(bfqq)) {
                if (bfqq.dispatched == 0) {
                    armSliceTimer();
                }
                return;
            } else if (mayExpireForBudgTimeout(bfqq)) {
                expire(bfqq, false, Reason.BUDGET_TIMEOUT);
            } else if (bfqq.sortList.isEmpty() && (bfqq.dispatched == 0 || !betterToIdle(bfqq))) {
                expire(bfqq, false, Reason.NO_MORE_REQUESTS);
            }
        }
        // bfq_schedule_dispatch when the driver is empty: the completion path runs the queue next.
    }

    /** bfq_limit_depth: writes and async requests may use part of the scheduler tags. */
    @Override
    public int depthLimit(Bio bio) {
        if (isSync(bio.op, bio.flags) && !bio.op.isWrite()) {
            return Integer.MAX_VALUE;
        }
        int nr = q.nrRequests();
        int shift = sbitmapShift(nr);
        int depth = 1 << shift;
        boolean wr = wrBusyQueues > 0;
        boolean sync = isSync(bio.op, bio.flags);
        int d = !wr ? (sync ? Math.max((depth * 3) >> 2, 1) : Math.max(depth >> 1, 1))
                : (sync ? Math.max((depth * 6) >> 4, 1) : Math.max((depth * 3) >> 4, 1));
        return Math.max(1, (nr * d) >> shift);
    }

    /** sbitmap_calculate_shift for the scheduler tags. */
    static int sbitmapShift(int depth) {
        int shift = 6; // ilog2(BITS_PER_LONG)
        if (depth >= 4) {
            while ((4 << shift) > depth) {
                shift--;
            }
        }
        return shift;
    }

    // ------------------------------------------------------------------ statistics

    @Override
    public void registerStats(Stats stats, String prefix) {
        for (Reason r : Reason.values()) {
            stats.counter(prefix + "expired." + r.name().toLowerCase(java.util.Locale.ROOT),
                    () -> expirations[r.ordinal()]);
        }
        stats.counter(prefix + "idle_timer_arms", () -> idleArms);
        stats.counter(prefix + "injected", () -> injections);
        stats.counter(prefix + "queue_merges", () -> queueMerges);
        stats.counter(prefix + "queue_splits", () -> queueSplits);
        stats.counter(prefix + "weight_raisings", () -> wrStarts);
        stats.counter(prefix + "max_budget", () -> bfqMaxBudget);
        stats.counter(prefix + "peak_rate_sectors_per_s", () -> peakRate * 1_000_000 >> RATE_SHIFT);
    }

    // ------------------------------------------------------------------ test views

    /** Sectors dispatched from the sync queue of the process {@code pid} (for tests). */
    long sectorsServedBy(IoOwner owner) {
        Bic bic = bics.get(owner);
        return bic == null || bic.syncQ == null ? 0 : bic.syncQ.sectorsServed;
    }

    /** The current bfq_max_budget (for tests). */
    int maxBudgetSectors() {
        return bfqMaxBudget;
    }

    /** The max_budget of {@code owner}'s sync queue (for tests), or -1. */
    int queueMaxBudget(IoOwner owner) {
        Bic bic = bics.get(owner);
        return bic == null || bic.syncQ == null ? -1 : bic.syncQ.maxBudget;
    }

    long expirations(Reason r) {
        return expirations[r.ordinal()];
    }
}
