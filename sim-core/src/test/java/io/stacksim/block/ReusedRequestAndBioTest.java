package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request or bio initialised again for reuse (blk_mq_rq_ctx_init on a static request,
 * bio_init on a cached bio) is, field for field, what the constructor makes: every field is
 * first set to a value unlike its default, then the object is reinitialised and compared with a
 * new one. A field added to either class without a reset fails here.
 */
class ReusedRequestAndBioTest {
    private final Submitter owner = new Submitter(100, "test", 1);
    private final BioEndIo endIo = b -> { };

    @Test
    void aReinitialisedRequestEqualsANewOne() throws Exception {
        Bio bio = new Bio(4096, 8, Op.READ, Bio.SYNC, 0, owner, endIo);
        Request used = new Request(new Bio(8, 16, Op.WRITE, 0, 0, owner, endIo), 0, 5);
        scribble(used);
        used.release();
        used.reinit(bio, 1, 1234);
        assertThat(fields(used)).isEqualTo(fields(new Request(bio, 1, 1234)));
    }

    @Test
    void aReinitialisedBioEqualsANewOne() throws Exception {
        Bio used = new Bio(8, 16, Op.WRITE, Bio.FUA, 0, owner, endIo);
        scribble(used);
        used.reinit(4096, 8, Op.READ, Bio.SYNC, 0, owner, endIo);
        assertThat(fields(used)).isEqualTo(fields(new Bio(4096, 8, Op.READ, Bio.SYNC, 0, owner, endIo)));
    }

    @Test
    void reusingEndedRequestsChangesNothingButTheirNumber() {
        Run fresh = run(false);
        Run reused = run(true);
        assertThat(reused.log).isEqualTo(fresh.log);
        assertThat(fresh.distinct).isEqualTo(fresh.requests);
        // mq-deadline at queue depth 4 with bios arriving faster than served: requests come back
        // and are used again, a handful of objects for all of them
        assertThat(reused.requests).isEqualTo(fresh.requests).isGreaterThan(100);
        assertThat(reused.distinct).isLessThan(20);
    }

    private record Run(List<String> log, int requests, int distinct) {
    }

    /** 400 bios (reads and writes, some contiguous so they merge) through mq-deadline to a device of depth 4. */
    private Run run(boolean forgets) {
        Simulator sim = new Simulator();
        ConfigNode root = ConfigNode.emptyRoot("t");
        ConfigNode block = root.section("block");
        Device d = new Device(forgets);
        BlockQueue q = new BlockQueue(sim, new RandomStreams(1), d, (cpu, h) -> sim.schedule(sim.now(), h),
                QueueSettings.from(block), Schedulers.create("mq-deadline", block.section("iosched")));
        List<String> log = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        long t = 0;
        for (int i = 0; i < 400; i++) {
            long sector = rnd.nextInt(4) == 0 ? 8L * i : 8L * rnd.nextInt(100_000);
            Op op = rnd.nextInt(3) == 0 ? Op.WRITE : Op.READ;
            t += rnd.nextInt(3_000);
            sim.schedule(t, () -> q.submitBio(new Bio(sector, 8, op, 0, 0, owner,
                    b -> log.add("end " + b + " at " + sim.now() + " dispatched " + b.tDispatched))));
        }
        sim.run();
        log.addAll(d.seen);
        return new Run(log, d.seen.size(), d.objects.size());
    }

    /** Serves one request at a time in 5 us; keeps nothing of a request once it has completed it. */
    private static final class Device implements BlockDevice {
        final boolean forgets;
        final List<String> seen = new ArrayList<>();
        final Set<Request> objects = Collections.newSetFromMap(new IdentityHashMap<>());
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        DeviceHost host;
        boolean busy;

        Device(boolean forgets) {
            this.forgets = forgets;
        }

        @Override
        public String name() {
            return "test0";
        }

        @Override
        public DeviceLimits limits() {
            return DeviceLimits.builder(1L << 30).queueDepth(4).maxHwSectors(256).maxSegments(64).build();
        }

        @Override
        public void attach(DeviceHost host) {
            this.host = host;
        }

        @Override
        public boolean forgetsCompletedRequests() {
            return forgets;
        }

        @Override
        public void submit(Request rq) {
            seen.add(host.sim().now() + " " + rq + " bios " + rq.nrBios());
            objects.add(rq);
            if (busy) {
                waiting.addLast(rq);
            } else {
                start(rq);
            }
        }

        private void start(Request rq) {
            busy = true;
            host.sim().after(5_000, () -> {
                busy = false;
                host.complete(rq);
                Request next = waiting.pollFirst();
                if (next != null) {
                    start(next);
                }
            });
        }
    }

    /** Sets every instance field to something other than its default. */
    private static void scribble(Object o) throws Exception {
        for (Field f : instanceFields(o.getClass())) {
            Class<?> t = f.getType();
            if (t == int.class) {
                f.setInt(o, 77);
            } else if (t == long.class) {
                f.setLong(o, 77);
            } else if (t == short.class) {
                f.setShort(o, (short) 77);
            } else if (t == byte.class) {
                f.setByte(o, (byte) 7);
            } else if (t == boolean.class) {
                f.setBoolean(o, !f.getBoolean(o));
            } else if (t.isEnum()) {
                Object[] cs = t.getEnumConstants();
                f.set(o, cs[cs.length - 1]);
            } else if (t == String.class) {
                f.set(o, "x");
            } else {
                f.set(o, allocate(t));
            }
        }
    }

    private static Object allocate(Class<?> t) throws Exception {
        if (t == Object.class) {
            return new Object();
        }
        if (t.isSealed()) {
            return allocate(t.getPermittedSubclasses()[0]);
        }
        if (t.isInterface()) {
            return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> null);
        }
        Field u = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        u.setAccessible(true);
        Object unsafe = u.get(null);
        return unsafe.getClass().getMethod("allocateInstance", Class.class).invoke(unsafe, t);
    }

    private static List<Field> instanceFields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** Each field's name and value (references by identity). */
    private static List<String> fields(Object o) throws Exception {
        List<String> out = new ArrayList<>();
        for (Field f : instanceFields(o.getClass())) {
            Object v = f.get(o);
            out.add(f.getName() + "=" + (v == null || v instanceof Number || v instanceof Boolean || v instanceof Enum
                    || v instanceof String || v instanceof Character ? v : Integer.toHexString(System.identityHashCode(v))));
        }
        return out;
    }
}
