package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A block queue on a test device that serves one request at a time, in the order it received
 * them, in a fixed time each, and records what it was given. Interrupts run at once.
 */
final class Harness {
    final Simulator sim = new Simulator();
    final TestDevice device;
    final BlockQueue queue;
    final List<Bio> done = new ArrayList<>();
    final Submitter task = new Submitter(100, "test", 0);
    final List<String> trace = new ArrayList<>();

    /** A dispatched request as the device saw it. */
    record Seen(long time, Op op, long sector, int sectors, IoPriority prio, int bios) {
    }

    static final class TestDevice implements BlockDevice {
        final DeviceLimits limits;
        final long serviceNs;
        final List<Seen> seen = new ArrayList<>();
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        DeviceHost host;
        boolean busy;

        TestDevice(DeviceLimits limits, long serviceNs) {
            this.limits = limits;
            this.serviceNs = serviceNs;
        }

        @Override
        public String name() {
            return "loop0";
        }

        @Override
        public DeviceLimits limits() {
            return limits;
        }

        @Override
        public void attach(DeviceHost host) {
            this.host = host;
        }

        @Override
        public void submit(Request rq) {
            seen.add(new Seen(host.sim().now(), rq.op, rq.sector, rq.nrSectors, rq.priority, rq.nrBios()));
            if (busy) {
                waiting.addLast(rq);
            } else {
                start(rq);
            }
        }

        private void start(Request rq) {
            busy = true;
            host.sim().after(serviceNs, () -> {
                busy = false;
                host.complete(rq);
                Request next = waiting.pollFirst();
                if (next != null) {
                    start(next);
                }
            });
        }
    }

    /** Limits like a loop device: 1280 KiB max_hw_sectors, 128 segments, 512 B blocks. */
    static DeviceLimits limits(int depth, int maxHwSectors, int maxSegments) {
        return DeviceLimits.builder(1L << 30).queueDepth(depth).maxHwSectors(maxHwSectors).maxSegments(maxSegments)
                .build();
    }

    Harness(String scheduler, DeviceLimits limits, long serviceNs, String... settings) {
        ConfigNode root = ConfigNode.emptyRoot("test");
        for (String s : settings) {
            int eq = s.indexOf('=');
            root.set(s.substring(0, eq), s.substring(eq + 1), io.stacksim.config.Origin.of("test", 0));
        }
        ConfigNode block = root.section("block");
        QueueSettings qs = QueueSettings.from(block);
        IoScheduler sched = Schedulers.create(scheduler, block.section("iosched"));
        root.checkAllUsed();
        this.device = new TestDevice(limits, serviceNs);
        this.queue = new BlockQueue(sim, new RandomStreams(1), device, (cpu, h) -> sim.schedule(sim.now(), h),
                qs, sched);
        queue.setTrace(new BlockTrace() {
            @Override
            public void event(char action, long timeNs, int cpu, IoOwner who, Op op, int flags, long sector,
                              int sectors, long extra) {
                trace.add(action + " " + (op == null ? "" : op.name().charAt(0) + " " + sector + "+" + sectors)
                        + (action == 'U' || action == 'T' ? " " + extra : ""));
            }

            @Override
            public void close(long timeNs) {
            }
        });
    }

    Bio bio(Op op, long sector, int sectors, int flags) {
        return new Bio(sector, sectors, op, flags, IoPriority.NONE, task, done::add);
    }

    Bio bio(Op op, long sector, int sectors, int flags, IoPriority prio) {
        return new Bio(sector, sectors, op, flags, prio, task, done::add);
    }

    void submit(Op op, long sector, int sectors) {
        queue.submitBio(bio(op, sector, sectors, op == Op.WRITE ? Bio.SYNC : 0));
    }

    long count(String prefix) {
        return trace.stream().filter(s -> s.startsWith(prefix)).count();
    }

    List<Long> dispatchedSectors() {
        return device.seen.stream().map(Seen::sector).toList();
    }
}
