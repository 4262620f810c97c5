package io.stacksim.os;

import java.util.ArrayList;

/**
 * Kernel work being done in one context (a task inside a syscall, or a core's softirq): the
 * CPU time it has cost so far and the actions whose effects are visible to others (a packet
 * handed to the NIC, a task woken), which take place once that time has been spent.
 */
public final class KernelWork {
    long ns;
    private ArrayList<Runnable> after = new ArrayList<>(4);
    private ArrayList<Runnable> spare = new ArrayList<>(4);

    /** Adds {@code cost} ns of CPU time. */
    public void charge(long cost) {
        ns += cost;
    }

    /** Runs {@code action} when the charged time has been spent. */
    public void then(Runnable action) {
        after.add(action);
    }

    /** Takes the charged time (leaving zero) for the caller to spend. */
    long take() {
        long n = ns;
        ns = 0;
        return n;
    }

    /** Runs the deferred actions in order; actions they defer go to the next round. */
    void runDeferred() {
        if (after.isEmpty()) {
            return;
        }
        ArrayList<Runnable> list = after;
        after = spare;
        spare = list;
        for (int i = 0; i < list.size(); i++) {
            list.get(i).run();
        }
        list.clear();
    }

    /** Spends the charged time on {@code t} as system time, then the deferred actions, then {@code cont}. */
    void spend(Task t, Runnable cont) {
        long cost = take();
        t.compute(cost, true, () -> {
            runDeferred();
            cont.run();
        });
    }
}
