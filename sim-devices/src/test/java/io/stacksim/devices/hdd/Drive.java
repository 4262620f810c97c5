package io.stacksim.devices.hdd;

import io.stacksim.block.Bio;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.devices.Profiles;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import java.util.function.Consumer;

/** Drives a device directly (no block layer): submit requests, observe completions. */
final class Drive implements DeviceHost {
    final Simulator sim = new Simulator();
    final BlockDevice dev;
    private final RandomStreams random = new RandomStreams(1);
    Consumer<Request> onComplete = rq -> { };

    /** The device of {@code profile} with {@code overrides} as key, value pairs. */
    Drive(String profile, String... overrides) {
        ConfigNode node = ConfigNode.emptyRoot("test");
        node.set("profile", profile, Origin.flag("test"));
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            node.set(overrides[i], overrides[i + 1], Origin.flag("test"));
        }
        dev = Profiles.builtIn().create(node, "test");
        dev.attach(this);
    }

    HddModel hdd() {
        return (HddModel) dev;
    }

    Request submit(long sector, int sectors, Op op, int flags) {
        Bio bio = new Bio(sector, sectors, op, flags, IoPriority.NONE, null, b -> { });
        Request rq = new Request(bio, 0, sim.now());
        rq.tDispatched = sim.now();
        dev.submit(rq);
        return rq;
    }

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
        rq.tCompleted = sim.now();
        onComplete.accept(rq);
    }

    @Override
    public void countDma(Request rq, long bytes) {
    }
}
