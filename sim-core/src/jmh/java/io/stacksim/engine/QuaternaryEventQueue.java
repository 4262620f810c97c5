package io.stacksim.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The candidate 4-ary heap for {@link HoldCli}: {@link EventQueue} with four children per node
 * (half the depth, the four children of a node in one or two cache lines), everything else alike
 * (held newest entry, lazy root removal, the same (time, sequence) order).
 */
final class QuaternaryEventQueue {
    private static final int SLOT_BITS = 24;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    /** Largest number of pending events (16 Mi). */
    static final int MAX_PENDING = 1 << SLOT_BITS;
    private static final long MAX_SEQ = (1L << (63 - SLOT_BITS)) - 1;

    private long[] times;     // times[i], i in 1..size; times[size+1] = +inf sentinel
    private long[] ties;      // seq << SLOT_BITS | slot
    private int size;         // entries in the heap, including a dead root
    private boolean deadRoot; // the root was polled but not yet removed
    private long nextSeq;
    private long polledTime;
    private Event[] slots;
    private int[] freeSlots;
    private int freeCount;
    // The newest entry waits outside the heap until the next insertion or removal: when it is
    // the next to fire (a step scheduling the step that follows it) it never enters the heap.
    private boolean held;
    private long heldTime;
    private long heldSeq;
    private Event heldEvent;

    QuaternaryEventQueue() {
        this(256);
    }

    QuaternaryEventQueue(int initialCapacity) {
        int cap = Math.max(4, Math.min(initialCapacity, MAX_PENDING));
        times = new long[cap + 5];
        ties = new long[cap + 5];
        Arrays.fill(times, Long.MAX_VALUE);
        Arrays.fill(ties, Long.MAX_VALUE);
        slots = new Event[cap];
        freeSlots = new int[cap];
        for (int i = 0; i < cap; i++) {
            freeSlots[i] = cap - 1 - i;
        }
        freeCount = cap;
    }

    /** Number of pending events. */
    public int size() {
        return (deadRoot ? size - 1 : size) + (held ? 1 : 0);
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Inserts {@code event} at {@code time}; returns its sequence number. */
    public long add(long time, Event event) {
        long seq = nextSeq++;
        if (seq > MAX_SEQ) {
            throw new IllegalStateException("more than 2^39 events scheduled in one simulation");
        }
        insert(time, seq, event);
        return seq;
    }

    /**
     * Takes the next sequence number without inserting anything: a component that may not need
     * an event (it can run its step inline) reserves the place in the tie order the event would
     * have had, and passes it to {@link #addReserved} if it needs the event after all.
     */
    public long reserveSeq() {
        long seq = nextSeq++;
        if (seq > MAX_SEQ) {
            throw new IllegalStateException("more than 2^39 events scheduled in one simulation");
        }
        return seq;
    }

    /** Inserts {@code event} at {@code time} with a sequence number from {@link #reserveSeq}. */
    public void addReserved(long time, long seq, Event event) {
        if (seq < 0 || seq >= nextSeq) {
            throw new IllegalArgumentException("sequence number " + seq + " was not reserved");
        }
        insert(time, seq, event);
    }

    private void insert(long time, long seq, Event event) {
        if (held) {
            push(heldTime, heldSeq, heldEvent);
        }
        held = true;
        heldTime = time;
        heldSeq = seq;
        heldEvent = event;
    }

    /** Into the heap. */
    private void push(long time, long seq, Event event) {
        if (freeCount == 0) {
            grow();
        }
        int slot = freeSlots[--freeCount];
        slots[slot] = event;
        long tie = (seq << SLOT_BITS) | slot;
        if (deadRoot) {
            deadRoot = false;
            sinkFromRoot(time, tie);
        } else {
            siftUp(++size, time, tie);
        }
    }

    /**
     * True if the held entry precedes every entry of the heap: it is then the next to leave,
     * and leaves without ever entering the heap. With a dead root the live minimum is one of
     * the root's children (the sentinel stands in for a missing one), so the dead root can stay.
     */
    private boolean heldFirst() {
        long tie = heldSeq << SLOT_BITS;
        if (deadRoot) {
            return precedes(heldTime, tie, 2) && precedes(heldTime, tie, 3)
                    && precedes(heldTime, tie, 4) && precedes(heldTime, tie, 5);
        }
        return size == 0 || precedes(heldTime, tie, 1);
    }

    private boolean precedes(long time, long tie, int i) {
        long t = times[i];
        return time < t || (time == t && tie < ties[i]);
    }

    /** Takes the held entry out (it is {@link #heldFirst() first}). */
    private Event takeHeld() {
        Event e = heldEvent;
        held = false;
        heldEvent = null;
        return e;
    }

    /** Time of the earliest event; the queue must not be empty. */
    public long peekTime() {
        if (held && heldFirst()) {
            return heldTime;
        }
        if (deadRoot) {
            removeRoot();
        }
        if (size == 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        return times[1];
    }

    /** Removes and returns the earliest event (ties: the earliest scheduled). */
    public Event poll() {
        if (held) {
            if (heldFirst()) {
                polledTime = heldTime;
                return takeHeld();
            }
            push(heldTime, heldSeq, takeHeld());
        }
        if (deadRoot) {
            removeRoot();
        }
        if (size == 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        polledTime = times[1];
        int slot = (int) (ties[1] & SLOT_MASK);
        Event top = slots[slot];
        slots[slot] = null;
        freeSlots[freeCount++] = slot;
        deadRoot = true;
        return top;
    }

    /**
     * Removes and returns the earliest event if it is due at or before {@code limit}, else
     * returns null (also when empty). Its time is then {@link #polledTime()}. One call instead
     * of peek + poll, for the simulator's loop.
     */
    public Event pollDue(long limit) {
        if (held) {
            if (heldFirst()) {
                if (heldTime > limit) {
                    return null;
                }
                polledTime = heldTime;
                return takeHeld();
            }
            push(heldTime, heldSeq, takeHeld());
        }
        if (deadRoot) {
            removeRoot();
        }
        if (size == 0 || times[1] > limit) {
            return null;
        }
        polledTime = times[1];
        polledTime = times[1];
        int slot = (int) (ties[1] & SLOT_MASK);
        Event top = slots[slot];
        slots[slot] = null;
        freeSlots[freeCount++] = slot;
        deadRoot = true;
        return top;
    }

    /** Time of the event last returned by {@link #pollDue} or {@link #poll}. */
    public long polledTime() {
        return polledTime;
    }

    /** Drops every pending event. */
    public void clear() {
        Arrays.fill(slots, null);
        Arrays.fill(times, Long.MAX_VALUE);
        Arrays.fill(ties, Long.MAX_VALUE);
        freeCount = slots.length;
        for (int i = 0; i < freeCount; i++) {
            freeSlots[i] = freeCount - 1 - i;
        }
        size = 0;
        deadRoot = false;
        held = false;
        heldEvent = null;
    }

    private void removeRoot() {
        deadRoot = false;
        int n = size--;
        long lastTime = times[n];
        long lastTie = ties[n];
        times[n] = Long.MAX_VALUE; // the sentinel moves down one place
        ties[n] = Long.MAX_VALUE;
        if (n > 1) {
            sinkFromRoot(lastTime, lastTie);
        }
    }

    /**
     * Puts (time, tie) in place of the root: the hole sinks to a leaf along the smaller
     * children, then the entry rises to its place. Equal times (rare) compare sequence numbers.
     */
    // 1-based: the children of i are 4i-2 .. 4i+1, the parent of j is (j+2)/4.
    private void sinkFromRoot(long time, long tie) {
        long[] t = times;
        long[] s = ties;
        int n = size;
        int hole = 1;
        int child;
        while ((child = (hole << 2) - 2) <= n) {
            int best = child;
            long bt = t[child];
            for (int c = child + 1; c < child + 4; c++) {
                long ct = t[c]; // +inf sentinels past n
                if (ct < bt || (ct == bt && s[c] < s[best])) {
                    best = c;
                    bt = ct;
                }
            }
            t[hole] = bt;
            s[hole] = s[best];
            hole = best;
        }
        siftUp(hole, time, tie);
    }

    private void siftUp(int hole, long time, long tie) {
        long[] t = times;
        long[] s = ties;
        while (hole > 1) {
            int parent = (hole + 2) >>> 2;
            long pt = t[parent];
            if (pt < time || (pt == time && s[parent] < tie)) {
                break;
            }
            t[hole] = pt;
            s[hole] = s[parent];
            hole = parent;
        }
        t[hole] = time;
        s[hole] = tie;
    }

    private void grow() {
        int old = slots.length;
        if (old >= MAX_PENDING) {
            throw new IllegalStateException("more than " + MAX_PENDING + " pending events");
        }
        int cap = Math.min(old * 2, MAX_PENDING);
        times = Arrays.copyOf(times, cap + 5);
        ties = Arrays.copyOf(ties, cap + 5);
        Arrays.fill(times, old + 5, cap + 5, Long.MAX_VALUE);
        Arrays.fill(ties, old + 5, cap + 5, Long.MAX_VALUE);
        slots = Arrays.copyOf(slots, cap);
        freeSlots = Arrays.copyOf(freeSlots, cap);
        for (int i = old; i < cap; i++) {
            freeSlots[freeCount++] = cap - 1 - (i - old);
        }
    }
}
