package io.stacksim.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The pending event list: a binary min-heap keyed by (time, sequence number).
 *
 * <p>This is the simulator's hot path, so it stores its keys in one primitive {@code long[]}
 * (time and sequence interleaved, so a comparison touches one cache line) beside a parallel
 * array of events, and moves a "hole" instead of swapping entries. Nothing is allocated per
 * operation once the arrays have grown to the working size.
 *
 * <p>The sequence number is assigned at insertion and breaks ties, so events at the same time
 * fire in the order they were scheduled, never in heap order.
 */
public final class EventQueue {
    private long[] keys;      // keys[2*i] = time, keys[2*i+1] = sequence of heap slot i
    private Event[] events;
    private int size;
    private long nextSeq;

    public EventQueue() {
        this(256);
    }

    public EventQueue(int initialCapacity) {
        int cap = Math.max(4, initialCapacity);
        keys = new long[2 * cap];
        events = new Event[cap];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Inserts {@code event} at {@code time}; returns its sequence number. */
    public long add(long time, Event event) {
        if (size == events.length) {
            grow();
        }
        long seq = nextSeq++;
        siftUp(size++, time, seq, event);
        return seq;
    }

    /** Time of the earliest event; the queue must not be empty. */
    public long peekTime() {
        if (size == 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        return keys[0];
    }

    /** Removes and returns the earliest event (ties: the earliest scheduled). */
    public Event poll() {
        if (size == 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        Event top = events[0];
        int last = --size;
        long lastTime = keys[2 * last];
        long lastSeq = keys[2 * last + 1];
        Event lastEvent = events[last];
        events[last] = null;
        if (last > 0) {
            siftDown(0, lastTime, lastSeq, lastEvent);
        }
        return top;
    }

    /** Drops every pending event. */
    public void clear() {
        Arrays.fill(events, 0, size, null);
        size = 0;
    }

    private void siftUp(int hole, long time, long seq, Event event) {
        long[] k = keys;
        Event[] ev = events;
        while (hole > 0) {
            int parent = (hole - 1) >>> 1;
            long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < seq)) {
                break;
            }
            k[2 * hole] = pt;
            k[2 * hole + 1] = k[2 * parent + 1];
            ev[hole] = ev[parent];
            hole = parent;
        }
        k[2 * hole] = time;
        k[2 * hole + 1] = seq;
        ev[hole] = event;
    }

    private void siftDown(int hole, long time, long seq, Event event) {
        long[] k = keys;
        Event[] ev = events;
        int n = size;
        int half = n >>> 1;
        while (hole < half) {
            int child = 2 * hole + 1;
            long ct = k[2 * child];
            long cs = k[2 * child + 1];
            int right = child + 1;
            if (right < n) {
                long rt = k[2 * right];
                long rs = k[2 * right + 1];
                if (rt < ct || (rt == ct && rs < cs)) {
                    child = right;
                    ct = rt;
                    cs = rs;
                }
            }
            if (time < ct || (time == ct && seq < cs)) {
                break;
            }
            k[2 * hole] = ct;
            k[2 * hole + 1] = cs;
            ev[hole] = ev[child];
            hole = child;
        }
        k[2 * hole] = time;
        k[2 * hole + 1] = seq;
        ev[hole] = event;
    }

    private void grow() {
        int cap = events.length * 2;
        keys = Arrays.copyOf(keys, 2 * cap);
        events = Arrays.copyOf(events, cap);
    }
}
