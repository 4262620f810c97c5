package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.Stats;
import io.stacksim.engine.Timer;
import java.util.Arrays;
import java.util.List;

/**
 * kyber (block/kyber-iosched.c): a token-based scheduler for fast devices. Requests fall into
 * four scheduling domains by operation (read, write, discard, other); each domain may have at
 * most as many requests in the device as it holds tokens (kyber_depth: 256, 128, 64, 16).
 * Requests wait in per-CPU software queues, one list per domain (kyber_ctx_queue), where new
 * bios may merge into the last 8 of them (blk_bio_list_merge); dispatch serves the domains round
 * robin in batches (kyber_batch_size 16, 8, 1, 1), flushing a domain's per-CPU lists in CPU
 * order only once a token is in hand (kyber_dispatch_cur_domain), so requests stay mergeable
 * while the domain is throttled.
 *
 * <p>Every completion of a read, write or discard adds two samples to its domain's latency
 * histograms (kyber_completed_request): the total latency from allocation and the I/O latency
 * from dispatch, each in one of 8 buckets of a quarter of the domain's target
 * (add_latency_sample). 100 ms after a completion (timer_reduce) kyber_timer_fn reads them: a
 * domain whose I/O-latency p90 is past the target marks the device congested; then each domain
 * with enough samples (500, or a second of them) and a total-latency p99 bucket b is resized to
 * depth * (b + 1) / 4 when the device is congested or its own p99 is past the target: shrunk
 * when its latency is good, grown when bad (kyber_resize_domain, clamped to [1, kyber_depth]).
 * Asynchronous requests may use only 75 % of the scheduler tags (kyber_limit_depth).
 */
public final class KyberScheduler implements IoScheduler {
    /** Registered in {@link Schedulers#ALL}. */
    public static final SchedulerType TYPE = new SchedulerType("kyber", List.of(), Tunables.SECTION,
            iosched -> new KyberScheduler(Tunables.from(iosched)));

    static final int READ = 0;
    static final int WRITE = 1;
    static final int DISCARD = 2;
    static final int OTHER = 3;
    static final int DOMAINS = 4;
    static final String[] DOMAIN_NAMES = {"read", "write", "discard", "other"};
    /** kyber_depth: each domain's full token count. */
    static final int[] DEPTH = {256, 128, 64, 16};
    /** kyber_batch_size. */
    static final int[] BATCH = {16, 8, 1, 1};
    /** KYBER_LATENCY_SHIFT: the target is 4 buckets (KYBER_GOOD_BUCKETS) of a quarter each. */
    static final int LATENCY_SHIFT = 2;
    static final int GOOD_BUCKETS = 1 << LATENCY_SHIFT;
    static final int LATENCY_BUCKETS = 2 << LATENCY_SHIFT;
    static final int TOTAL = 0;
    static final int IO = 1;
    /** KYBER_ASYNC_PERCENT. */
    static final int ASYNC_PERCENT = 75;
    /** The timer's delay after a completion, HZ / 10. */
    static final long TIMER_NS = 100_000_000L;
    /** calculate_percentile waits for this many samples or a second (HZ) since the first. */
    static final int MIN_SAMPLES = 500;
    static final long SAMPLE_WINDOW_NS = 1_000_000_000L;
    /** kyber_latency_targets[DISCARD]: 5 s. */
    static final long DISCARD_LAT_NS = 5_000_000_000L;

    /** kyber's tunables under {@code block.iosched}, with their sysfs names. */
    public record Tunables(long readLatNs, long writeLatNs) {
        static final Tunable<Long> READ_LAT = Tunable.duration("read_lat_nsec", 2_000_000L, 1)
                .help("the read domain's latency target (sysfs read_lat_nsec; a bare number is in ns)");
        static final Tunable<Long> WRITE_LAT = Tunable.duration("write_lat_nsec", 10_000_000L, 1)
                .help("the write domain's latency target (sysfs write_lat_nsec; a bare number is in ns)");

        /** kyber's tunables, under {@code block.iosched}. */
        public static final ConfigSection SECTION = ConfigSection.of("block.iosched",
                "kyber (`block.iosched` with `block.scheduler: kyber`)", READ_LAT, WRITE_LAT)
                .intro("block/kyber-iosched.c's sysfs tunables with the kernel's names and defaults.");

        public static Tunables from(ConfigNode s) {
            return new Tunables(Math.max(1, READ_LAT.read(s)), Math.max(1, WRITE_LAT.read(s)));
        }
    }

    private BlockQueue q;
    private final long[] target;
    /** The domains' token counts now (sbitmap depth) and the tokens in use. */
    private final int[] depth = DEPTH.clone();
    private final int[] inUse = new int[DOMAINS];
    /** Per CPU, per domain: kcq->rq_list. */
    private RequestList[][] kcq = new RequestList[0][];
    /** khd->rqs: requests flushed from the per-CPU lists, waiting for a token. */
    private final RequestList[] rqs = new RequestList[DOMAINS];
    private final int[] queued = new int[DOMAINS];
    private int curDomain;
    private int batching;
    private int asyncDepth;
    /** kqd->latency_buckets, already summed over the CPUs (the per-CPU split changes nothing). */
    private final int[][][] buckets = new int[DOMAINS][2][LATENCY_BUCKETS];
    private final long[] latencyTimeout = new long[DOMAINS];
    private final int[] domainP99 = {-1, -1, -1, -1};
    private Timer timer;
    private long timerRuns;
    private long resizes;
    private final long[] throttled = new long[DOMAINS];
    private final int[] minDepth = DEPTH.clone();

    public KyberScheduler(Tunables t) {
        target = new long[] {t.readLatNs(), t.writeLatNs(), DISCARD_LAT_NS, 0};
        for (int d = 0; d < DOMAINS; d++) {
            rqs[d] = new RequestList();
        }
    }

    @Override
    public String name() {
        return "kyber";
    }

    /** An elevator: requests come from the scheduler's nr_requests tags. */
    @Override
    public boolean isElevator() {
        return true;
    }

    @Override
    public void init(BlockQueue queue) {
        this.q = queue;
        asyncDepth = Math.max(1, queue.nrRequests() * ASYNC_PERCENT / 100); // kyber_depth_updated
    }

    /** kyber_sched_domain: by operation alone. */
    static int domain(Op op) {
        return switch (op) {
            case READ -> READ;
            case WRITE -> WRITE;
            case DISCARD -> DISCARD;
            default -> OTHER;
        };
    }

    private RequestList[] kcq(int cpu) {
        if (cpu >= kcq.length) {
            int n = kcq.length;
            kcq = Arrays.copyOf(kcq, cpu + 1);
            for (int c = n; c <= cpu; c++) {
                kcq[c] = new RequestList[DOMAINS];
                for (int d = 0; d < DOMAINS; d++) {
                    kcq[c][d] = new RequestList();
                }
            }
        }
        return kcq[cpu];
    }

    /** kyber_limit_depth: asynchronous requests get only async_depth of the scheduler tags. */
    @Override
    public int depthLimit(Bio bio) {
        boolean sync = bio.op == Op.READ || (bio.flags & (Bio.SYNC | Bio.FUA | Bio.PREFLUSH)) != 0; // op_is_sync
        return sync ? Integer.MAX_VALUE : asyncDepth;
    }

    /** kyber_bio_merge: blk_bio_list_merge on this CPU's list of the bio's domain. */
    @Override
    public boolean bioMerge(Bio bio) {
        int cpu = bio.owner == null ? 0 : bio.owner.cpu();
        return NoneScheduler.listMerge(q, kcq(cpu)[domain(bio.op)], bio);
    }

    /** kyber_insert_requests: to the tail (or head) of the CPU's list of the request's domain. */
    @Override
    public boolean insert(Request rq, boolean atHead) {
        int d = domain(rq.op);
        RequestList list = kcq(rq.cpu)[d];
        if (atHead) {
            list.addHead(rq);
        } else {
            list.addTail(rq);
        }
        queued[d]++;
        return true;
    }

    @Override
    public boolean hasWork() {
        for (int d = 0; d < DOMAINS; d++) {
            if (queued[d] > 0) {
                return true;
            }
        }
        return false;
    }

    /** kyber_dispatch_request: the batch's domain while it may, then the next domains in turn. */
    @Override
    public Request dispatch() {
        if (batching < BATCH[curDomain]) {
            Request rq = dispatchCurDomain();
            if (rq != null) {
                return rq;
            }
        }
        batching = 0;
        for (int i = 0; i < DOMAINS; i++) {
            curDomain = curDomain == DOMAINS - 1 ? 0 : curDomain + 1;
            Request rq = dispatchCurDomain();
            if (rq != null) {
                return rq;
            }
        }
        return null;
    }

    /**
     * kyber_dispatch_cur_domain: a flushed request takes a token; with none flushed, the CPUs'
     * lists are flushed in CPU order (kyber_flush_busy_kcqs), but only once a token is had.
     */
    private Request dispatchCurDomain() {
        int d = curDomain;
        if (rqs[d].isEmpty()) {
            if (queued[d] == 0) {
                return null;
            }
            if (inUse[d] >= depth[d]) {
                throttled[d]++;
                return null;
            }
            for (RequestList[] cpu : kcq) {
                for (Request r; (r = cpu[d].pollFirst()) != null; ) {
                    rqs[d].addTail(r);
                }
            }
        } else if (inUse[d] >= depth[d]) {
            throttled[d]++;
            return null;
        }
        Request rq = rqs[d].pollFirst();
        inUse[d]++;
        rq.elvPriv = d; // rq_set_domain_token: the token is held until the request is freed
        queued[d]--;
        batching++;
        return rq;
    }

    @Override
    public void completed(Request rq) {
        if (!(rq.elvPriv instanceof Integer d)) {
            return; // merged away or never dispatched: it held no token
        }
        rq.elvPriv = null;
        inUse[d]--; // kyber_finish_request: the token goes back
        if (d == OTHER) {
            return; // kyber_completed_request keeps no statistics for the other domain
        }
        long now = q.sim().now();
        addSample(d, TOTAL, now - rq.tCreated);
        addSample(d, IO, now - rq.tDispatched);
        if (timer == null) { // timer_reduce(&kqd->timer, jiffies + HZ / 10)
            timer = q.sim().timerAfter(TIMER_NS, this::timerFn);
        }
    }

    /** add_latency_sample. */
    private void addSample(int d, int type, long latency) {
        buckets[d][type][bucket(target[d], latency)]++;
    }

    /** add_latency_sample's bucket: (latency - 1) / (target / 4), at most the last one. */
    public static int bucket(long targetNs, long latencyNs) {
        if (latencyNs <= 0) {
            return 0;
        }
        long divisor = Math.max(targetNs >> LATENCY_SHIFT, 1);
        return (int) Math.min((latencyNs - 1) / divisor, LATENCY_BUCKETS - 1);
    }

    /** calculate_percentile: the bucket of {@code percentile}, or -1 without enough samples yet. */
    int percentile(int d, int type, int percentile) {
        int[] b = buckets[d][type];
        long samples = 0;
        for (int x : b) {
            samples += x;
        }
        if (samples == 0) {
            return -1;
        }
        long now = q.sim().now();
        if (latencyTimeout[d] == 0) {
            latencyTimeout[d] = Math.max(now + SAMPLE_WINDOW_NS, 1);
        }
        if (samples < MIN_SAMPLES && now < latencyTimeout[d]) {
            return -1;
        }
        latencyTimeout[d] = 0;
        long need = (samples * percentile + 99) / 100;
        int bucket;
        for (bucket = 0; bucket < LATENCY_BUCKETS - 1; bucket++) {
            if (b[bucket] >= need) {
                break;
            }
            need -= b[bucket];
        }
        Arrays.fill(b, 0);
        return bucket;
    }

    /** kyber_timer_fn: congestion from the I/O latencies' p90, then each domain's resize from its p99. */
    private void timerFn() {
        timer = null;
        timerRuns++;
        boolean bad = false;
        for (int d = 0; d < OTHER; d++) {
            if (percentile(d, IO, 90) >= GOOD_BUCKETS) {
                bad = true;
            }
        }
        for (int d = 0; d < OTHER; d++) {
            int p99 = percentile(d, TOTAL, 99);
            if (bad) {
                if (p99 < 0) {
                    p99 = domainP99[d];
                }
                domainP99[d] = -1;
            } else if (p99 >= 0) {
                domainP99[d] = p99;
            }
            if (p99 < 0) {
                continue;
            }
            if (bad || p99 >= GOOD_BUCKETS) {
                resize(d, (depth[d] * (p99 + 1)) >> LATENCY_SHIFT);
            }
        }
        // A shallower domain may have been the only thing holding requests back: nothing to do
        // here, as a token comes back only with a completion, which runs the queue.
    }

    /** kyber_resize_domain. */
    private void resize(int d, int want) {
        int n = Math.max(1, Math.min(want, DEPTH[d]));
        if (n != depth[d]) {
            depth[d] = n;
            resizes++;
            minDepth[d] = Math.min(minDepth[d], n);
            if (inUse[d] < depth[d]) {
                q.runHwQueue(null); // sbitmap_queue_resize wakes the domain's waiters
            }
        }
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        stats.counter(prefix + "timer_runs", () -> timerRuns);
        stats.counter(prefix + "resizes", () -> resizes);
        for (int d = 0; d < DOMAINS; d++) {
            int k = d;
            stats.counter(prefix + DOMAIN_NAMES[d] + ".depth", () -> depth[k]);
            stats.counter(prefix + DOMAIN_NAMES[d] + ".min_depth", () -> minDepth[k]);
            stats.counter(prefix + DOMAIN_NAMES[d] + ".throttled", () -> throttled[k]);
        }
    }
}
