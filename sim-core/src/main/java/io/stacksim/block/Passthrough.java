package io.stacksim.block;

import io.stacksim.device.BlockDevice;
import io.stacksim.device.CommandPlan;
import io.stacksim.device.CommandSet;
import io.stacksim.device.MediaStep;
import java.util.List;

/**
 * The device end of a queue's passthrough requests: the command's media work
 * ({@link CommandSet#plan}) done by the device model as ordinary requests, one step after
 * another, under the passthrough request's own tag and dispatch budget; the passthrough
 * request completes (its interrupt, then blk_mq_end_request) when the last step does, or at
 * once when the command is refused before any media work.
 */
final class Passthrough {
    private final BlockQueue q;
    private final BlockDevice device;
    private final CommandSet set;
    private long commands;
    private long failed;

    /** A passthrough request's plan and the step it is at. */
    private static final class State {
        final List<MediaStep> steps;
        int next;

        State(List<MediaStep> steps) {
            this.steps = steps;
        }
    }

    Passthrough(BlockQueue q, BlockDevice device, CommandSet set) {
        this.q = q;
        this.device = device;
        this.set = set;
    }

    CommandSet commandSet() {
        return set;
    }

    /** queue_rq for a passthrough request: plan its command, then run its first step. */
    void start(Request rq) {
        commands++;
        CommandPlan plan = set.plan(rq.command, device.limits(), q.zoned() != null);
        if (plan.failed()) {
            fail(rq, plan.sense());
            q.complete(rq);
            return;
        }
        State st = new State(plan.steps());
        rq.passthroughState = st;
        next(rq, st);
    }

    private void next(Request rq, State st) {
        if (st.next == st.steps.size()) {
            rq.passthroughState = null;
            q.complete(rq);
            return;
        }
        MediaStep s = st.steps.get(st.next);
        Bio b = new Bio(s.sector(), s.sectors(), s.op(), s.flags(), rq.priority, rq.owner(), null);
        Request part = new Request(b, rq.cpu, q.sim().now());
        part.hostBytes = s.hostBytes();
        part.tDispatched = q.sim().now();
        part.passthroughOf = rq;
        device.submit(part);
    }

    /** The device ended step {@code part} of a passthrough request. */
    void stepDone(Request part) {
        Request rq = part.passthroughOf;
        State st = (State) rq.passthroughState;
        MediaStep s = st.steps.get(st.next++);
        rq.devQueueNs += part.devQueueNs;
        rq.devMediaNs += part.devMediaNs;
        rq.devTransferNs += part.devTransferNs;
        if (part.writtenSector >= 0) {
            rq.writtenSector = part.writtenSector;
        }
        String sense = part.error != 0 ? "device error " + part.error + " on " + s.op() : set.stepDone(s);
        if (sense != null) {
            fail(rq, sense);
            rq.passthroughState = null;
            q.complete(rq);
            return;
        }
        next(rq, st);
    }

    private void fail(Request rq, String sense) {
        failed++;
        rq.error = -5; // EIO: SG_INFO_CHECK / a non-zero NVMe status
        rq.sense = sense;
    }

    long commands() {
        return commands;
    }

    long failed() {
        return failed;
    }
}
