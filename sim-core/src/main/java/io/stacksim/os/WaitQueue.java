package io.stacksim.os;

import java.util.ArrayList;

/**
 * A wait queue ({@code wait_queue_head_t}): the entries that want to hear when a file's
 * readiness changes. A wake-up ({@code wake_up_poll}) calls every entry with the event mask;
 * each entry decides for itself (a sleeping reader wakes its task, a poll table entry wakes its
 * poller, an epoll item is queued on its instance's ready list).
 */
public final class WaitQueue {
    private final ArrayList<Entry> entries = new ArrayList<>(2);

    /** What a wait queue calls on a wake-up (wait_queue_entry_t's func). */
    public interface Entry {
        /**
         * The queue's file became ready for {@code mask}. Runs in the waker's context; CPU work
         * it does is charged to {@code work}, and visible effects (waking a task) are deferred
         * to the end of that work.
         */
        void wake(int mask, KernelWork work);
    }

    public void add(Entry e) {
        entries.add(e);
    }

    public void remove(Entry e) {
        // Entries come and go in LIFO order mostly; search from the end.
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) == e) {
                entries.remove(i);
                return;
            }
        }
    }

    /**
     * wait_event on this queue: {@code t} sleeps until a wake-up with an event in {@code mask},
     * then leaves the queue and runs {@code then} once woken (later wake-ups are ignored).
     */
    public void sleepUntil(Task t, int mask, Runnable then) {
        add(new Entry() {
            private boolean waiting = true;

            @Override
            public void wake(int m, KernelWork w) {
                if (waiting && (m & mask) != 0) {
                    waiting = false;
                    remove(this);
                    w.then(() -> t.wake(then));
                }
            }
        });
        t.sleep();
    }

    public int size() {
        return entries.size();
    }

    /** __wake_up: calls every entry (entries may remove themselves while being called). */
    public void wake(int mask, KernelWork work) {
        int n = entries.size();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            entries.get(0).wake(mask, work);
            return;
        }
        Entry[] snapshot = entries.toArray(new Entry[0]);
        for (Entry e : snapshot) {
            e.wake(mask, work);
        }
    }
}
