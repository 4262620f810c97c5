package io.stacksim.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The pending event list: a binary min-heap keyed by (time, sequence number).
 *
 * <p>This is the simulator's hot path, so the heap holds only primitives, in two parallel
 * arrays (1-based): the times, and a word packing the sequence number (high 39 bits) with the
 * index of the event's slot in a side table (low 24 bits). Sifting therefore moves plain longs,
 * never object references (no GC write barriers); an event reference is written once when
 * added and read once when polled. Nothing is allocated per operation once the arrays have
 * grown to the working size.
 *
 * <p>Two classic refinements: removal is bottom-up (the hole sinks along the smaller children
 * with one time comparison per level, then the last entry rises), and it is lazy: the polled
 * root stays in place until the next operation, so when the fired event schedules a successor
 * (the common case) the successor simply replaces the root and sinks once.
 *
 * <p>And the newest entry is held outside the heap until the next operation: a step that
 * schedules the step after it, due before anything else (a task's next compute segment, a
 * device's next stage), passes through without a single sift, and the dead root stays dead.
 *
 * <p>The sequence number is assigned at insertion and breaks ties, so events at the same time
 * fire in the order they were scheduled, never in heap order.
 */
public final class EventQueue {
    private static final int SLOT_BITS = 24;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    /** Largest number of pending events (16 Mi). */
    public static final int MAX_PENDING = 1 << SLOT_BITS;
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

    public EventQueue() {
        this(256);
    }

    public EventQueue(int initialCapacity) {
        int cap = Math.max(4, Math.min(initialCapacity, MAX_PENDING));
        times = new long[cap + 2];
        ties = new long[cap + 2];
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
        if (time < 0) {
            throw new IllegalArgumentException("event at negative time " + time); // the sift's sign trick needs >= 0
        }
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
            return precedes(heldTime, tie, 2) && precedes(heldTime, tie, 3);
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

    /**
     * Time of the earliest event; the queue must not be empty. A dead root stays: the earliest
     * live entry is then one of its children (a missing one is the +inf sentinel), so a look
     * between an event's poll and its successor's insertion (the simulator asking whether a step
     * may run inline) leaves the successor to take the root's place with a single sift.
     */
    public long peekTime() {
        if (held && heldFirst()) {
            return heldTime;
        }
        if (deadRoot) {
            if (size == 1) {
                throw new NoSuchElementException("event queue is empty");
            }
            return Math.min(times[2], times[3]);
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
    private void sinkFromRoot(long time, long tie) {
        long[] t = times;
        long[] s = ties;
        int n = size;
        int hole = 1;
        int child;
        while ((child = hole << 1) <= n) {
            // The right child when it is earlier: a subtraction's sign, not a branch the CPU
            // would mispredict half the time (times are >= 0; a missing right child is the
            // +inf sentinel, so the difference cannot overflow). Equal times (rare) compare
            // sequence numbers.
            long d = t[child + 1] - t[child];
            if (d == 0) {
                child += s[child + 1] < s[child] ? 1 : 0;
            } else {
                child += (int) (d >>> 63);
            }
            t[hole] = t[child];
            s[hole] = s[child];
            hole = child;
        }
        siftUp(hole, time, tie);
    }

    private void siftUp(int hole, long time, long tie) {
        long[] t = times;
        long[] s = ties;
        while (hole > 1) {
            int parent = hole >>> 1;
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
        times = Arrays.copyOf(times, cap + 2);
        ties = Arrays.copyOf(ties, cap + 2);
        Arrays.fill(times, old + 2, cap + 2, Long.MAX_VALUE);
        Arrays.fill(ties, old + 2, cap + 2, Long.MAX_VALUE);
        slots = Arrays.copyOf(slots, cap);
        freeSlots = Arrays.copyOf(freeSlots, cap);
        for (int i = old; i < cap; i++) {
            freeSlots[freeCount++] = cap - 1 - (i - old);
        }
    }
}
