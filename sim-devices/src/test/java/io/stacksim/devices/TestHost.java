package io.stacksim.devices;

import io.stacksim.block.Bio;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.util.List;
import java.util.function.Consumer;

/** A bare host for device tests: no CPUs, completions delivered at once, DMA counted. */
public final class TestHost implements DeviceHost {
    public final Simulator sim = new Simulator();
    public final RandomStreams random = new RandomStreams(1);
    public long dmaTransfers;
    public long dmaBytes;
    public long interrupts;
    public long completions;
    public Consumer<Request> onComplete = rq -> { };

    @Override
    public Simulator sim() {
        return sim;
    }

    @Override
    public RandomStreams random() {
        return random;
    }

    @Override
    public void complete(Request rq) {
        interrupts++;
        done(rq);
    }

    @Override
    public void completeAll(List<Request> batch) {
        interrupts++;
        for (Request rq : List.copyOf(batch)) {
            done(rq);
        }
    }

    private void done(Request rq) {
        completions++;
        rq.tCompleted = sim.now();
        onComplete.accept(rq);
    }

    @Override
    public void countDma(Request rq, long bytes) {
        dmaTransfers++;
        dmaBytes += bytes;
    }

    /** A request of {@code bytes} at byte offset {@code offset}, dispatched now from {@code cpu}. */
    public Request request(Op op, long offset, int bytes, int cpu) {
        Bio bio = new Bio(offset >> 9, bytes >> 9, op, 0, IoPriority.NONE, null, b -> { });
        Request rq = new Request(bio, cpu, sim.now());
        rq.tDispatched = sim.now();
        return rq;
    }

    /** Builds the shipped profile {@code name} with {@code overrides} ("key=value" strings). */
    public static BlockDevice device(String name, String... overrides) {
        DeviceProfile p = Profiles.builtIn().lookup(name);
        ConfigNode o = ConfigNode.emptyRoot("test");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            o.set(kv.substring(0, eq), kv.substring(eq + 1), Origin.of("test", 0));
        }
        ConfigNode params = p.parameters(o);
        BlockDevice d = Profiles.build(p, params);
        params.checkAllUsed();
        return d;
    }
}
