package io.stacksim.os;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * epoll (fs/eventpoll.c): epoll_ctl registers a descriptor once, putting the instance's
 * callback on the file's wait queue; when the file becomes ready the callback
 * (ep_poll_callback) queues the item on the instance's ready list and wakes a waiter. So
 * epoll_wait costs O(ready), not O(watched): ep_send_events takes the ready list, checks each
 * item's file again ({@code ->poll}), reports those still ready and, for level-triggered items,
 * puts them back on the ready list (the next epoll_wait checks them once more and drops the
 * ones no longer ready). Edge-triggered (EPOLLET) items are not put back.
 *
 * <p>Costs: {@link NetCosts#epollWaitNs} per call, {@link NetCosts#epollItemNs} per ready-list
 * item checked, {@link NetCosts#epollCallbackNs} per callback that queues an item (in the
 * waker's context), {@link NetCosts#epollCtlNs} per epoll_ctl, and the copy of the returned
 * events (struct epoll_event, 12 bytes on x86-64).
 */
public final class Epoll {
    public static final int EPOLLIN = Pollable.POLLIN;
    public static final int EPOLLOUT = Pollable.POLLOUT;
    public static final int EPOLLET = 1 << 31;
    public static final int CTL_ADD = 1;
    public static final int CTL_DEL = 2;
    public static final int CTL_MOD = 3;
    /** sizeof(struct epoll_event) on x86-64 (packed). */
    static final int EVENT_BYTES = 12;
    private static final int EEXIST = -17;
    private static final int ENOENT = -2;

    private final Kernel kernel;
    private final CostModel cost;
    private final NetCosts nc;

    public Epoll(Kernel kernel, NetCosts nc) {
        this.kernel = kernel;
        this.cost = kernel.cost();
        this.nc = nc;
    }

    /** An epoll instance (struct eventpoll). */
    public static final class Instance {
        private final Map<Pollable, Item> items = new IdentityHashMap<>();
        private final ArrayDeque<Item> ready = new ArrayDeque<>();
        private final ArrayDeque<Wait> waiters = new ArrayDeque<>();
        private int fd = -1;

        public int size() {
            return items.size();
        }

        /** Items on the ready list now. */
        public int readyCount() {
            return ready.size();
        }

        public int fd() {
            return fd;
        }

        public void setFd(int fd) {
            this.fd = fd;
        }
    }

    /** One registered descriptor (struct epitem) and its wait-queue callback. */
    private final class Item implements WaitQueue.Entry {
        final Instance ep;
        final Pollable file;
        int events;
        long data;
        boolean onReady;

        Item(Instance ep, Pollable file, int events, long data) {
            this.ep = ep;
            this.file = file;
            this.events = events;
            this.data = data;
        }

        /** ep_poll_callback. */
        @Override
        public void wake(int mask, KernelWork w) {
            if ((mask & events & ~EPOLLET) == 0) {
                return;
            }
            w.charge(nc.epollCallbackNs());
            queue(w);
        }

        void queue(KernelWork w) {
            if (!onReady) {
                onReady = true;
                ep.ready.addLast(this);
            }
            Wait waiter = ep.waiters.pollFirst(); // exclusive wake-up: one waiter
            if (waiter != null) {
                w.then(waiter::wake);
            }
        }
    }

    /** epoll_create1(0). */
    public void create(Task t, Consumer<Instance> k) {
        kernel.enter(t, Syscall.EPOLL_CREATE1, cost.vfsCallNs(), () -> {
            Instance ep = new Instance();
            t.counters.modeSwitches++;
            t.compute(cost.modeSwitchNs(), true, () -> k.accept(ep));
        });
    }

    /** epoll_ctl(epfd, op, fd, {events, data}): returns 0 or a negative errno. */
    public void ctl(Task t, Instance ep, int op, Pollable file, int events, long data, Kernel.Ret k) {
        kernel.enter(t, Syscall.EPOLL_CTL, nc.epollCtlNs(), () -> {
            KernelWork w = new KernelWork();
            long r = 0;
            Item it = ep.items.get(file);
            switch (op) {
                case CTL_ADD -> {
                    if (it != null) {
                        r = EEXIST;
                        break;
                    }
                    it = new Item(ep, file, events, data);
                    ep.items.put(file, it);
                    file.waitQueue().add(it); // ep_ptable_queue_proc
                    if ((file.pollMask() & events) != 0) {
                        it.queue(w);
                    }
                }
                case CTL_MOD -> {
                    if (it == null) {
                        r = ENOENT;
                        break;
                    }
                    it.events = events;
                    it.data = data;
                    if ((file.pollMask() & events) != 0) {
                        it.queue(w);
                    }
                }
                case CTL_DEL -> {
                    if (it == null) {
                        r = ENOENT;
                        break;
                    }
                    ep.items.remove(file);
                    file.waitQueue().remove(it);
                    if (it.onReady) {
                        ep.ready.remove(it);
                        it.onReady = false;
                    }
                }
                default -> throw new IllegalArgumentException("epoll_ctl op " + op);
            }
            long res = r;
            w.spend(t, () -> kernel.exit(t, res, k));
        });
    }

    /**
     * epoll_wait(epfd, events, maxevents, timeout): fills {@code outData}/{@code outEvents} with
     * up to {@code maxEvents} ready items and returns their number (0 on timeout).
     * {@code timeoutNs} &lt; 0 waits forever, 0 does not wait.
     */
    public void wait(Task t, Instance ep, long[] outData, int[] outEvents, int maxEvents, long timeoutNs, Kernel.Ret k) {
        kernel.enter(t, Syscall.EPOLL_WAIT, nc.epollWaitNs(), () -> new Wait(t, ep, outData, outEvents, maxEvents, timeoutNs,
                r -> kernel.exit(t, r, k)).poll());
    }

    /** One epoll_wait call (ep_poll). */
    private final class Wait {
        private final Task t;
        private final Instance ep;
        private final long[] outData;
        private final int[] outEvents;
        private final int max;
        private final long timeoutNs;
        private final Kernel.Ret done;
        private boolean timedOut;
        private boolean sleeping;
        private io.stacksim.engine.Timer timer;

        Wait(Task t, Instance ep, long[] outData, int[] outEvents, int max, long timeoutNs, Kernel.Ret done) {
            this.t = t;
            this.ep = ep;
            this.outData = outData;
            this.outEvents = outEvents;
            this.max = max;
            this.timeoutNs = timeoutNs;
            this.done = done;
        }

        void poll() {
            if (!ep.ready.isEmpty()) {
                sendEvents();
                return;
            }
            if (timeoutNs == 0 || timedOut) {
                finish(0);
                return;
            }
            if (timeoutNs > 0 && timer == null) {
                timer = kernel.sim().timerAfter(timeoutNs, () -> {
                    timedOut = true;
                    if (sleeping) {
                        ep.waiters.remove(this);
                        wake();
                    }
                });
            }
            sleeping = true;
            ep.waiters.addLast(this);
            t.sleep();
        }

        void wake() {
            if (sleeping) {
                sleeping = false;
                t.wake(this::poll);
            }
        }

        /** ep_send_events over the ready list as it is now (level-triggered items go back on it). */
        private void sendEvents() {
            int n = 0;
            int checked = 0;
            int take = ep.ready.size();
            ArrayDeque<Item> requeue = new ArrayDeque<>();
            while (checked < take && n < max) {
                Item it = ep.ready.pollFirst();
                checked++;
                it.onReady = false;
                int revents = it.file.pollMask() & it.events;
                if (revents == 0) {
                    continue; // no longer ready: dropped from the list
                }
                outData[n] = it.data;
                outEvents[n] = revents;
                n++;
                if ((it.events & EPOLLET) == 0) {
                    requeue.addLast(it);
                }
            }
            for (Item it : requeue) {
                it.onReady = true;
                ep.ready.addLast(it);
            }
            long bytes = (long) n * EVENT_BYTES;
            if (n > 0) {
                t.countCopy(bytes);
            }
            int count = n;
            t.compute(checked * nc.epollItemNs() + (n > 0 ? cost.copyNs(bytes) : 0), true, () -> {
                if (count > 0) {
                    finish(count);
                } else {
                    poll(); // everything on the list had gone stale: wait (ep_poll loops)
                }
            });
        }

        private void finish(int count) {
            if (timer != null) {
                timer.cancel();
            }
            done.ret(count);
        }
    }
}
