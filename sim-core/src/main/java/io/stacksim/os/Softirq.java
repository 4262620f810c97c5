package io.stacksim.os;

import java.util.ArrayDeque;

/**
 * One core's network softirq (NAPI): work raised there (a received packet, a transmit
 * completion, an expired TCP timer) is processed in order, each item's CPU time stolen from
 * whatever task runs on the core. The first item after an idle period costs a hard interrupt;
 * while the queue is being drained, further packets join it without one, as NAPI keeps the
 * device's interrupt masked until its poll finds nothing left (napi_complete_done).
 */
final class Softirq {
    /** A unit of softirq work. */
    interface Item {
        /** Does the work on core {@code cpu}, charging its CPU time to {@code work}. */
        void run(KernelWork work, int cpu);
    }

    private final Cpus cpus;
    private final int cpu;
    private final long hardIrqNs;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final KernelWork work = new KernelWork();
    private boolean running;
    long hardIrqs;
    long items;

    Softirq(Cpus cpus, int cpu, long hardIrqNs) {
        this.cpus = cpus;
        this.cpu = cpu;
        this.hardIrqNs = hardIrqNs;
    }

    /** Raises {@code item}: a device interrupt if {@code irq} and the core's NAPI is idle. */
    void raise(Item item, boolean irq) {
        queue.addLast(item);
        if (running) {
            return;
        }
        running = true;
        if (irq) {
            hardIrqs++;
            cpus.irqWork(cpu, hardIrqNs, true, this::poll);
        } else {
            poll();
        }
    }

    private void poll() {
        Item item = queue.pollFirst();
        if (item == null) {
            running = false;
            return;
        }
        items++;
        item.run(work, cpu);
        cpus.irqWork(cpu, work.take(), false, () -> {
            work.runDeferred();
            poll();
        });
    }
}
