package io.stacksim.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The candidate pairing heap for {@link HoldCli} (Fredman, Sedgewick, Sleator and Tarjan 1986):
 * insertion melds a one-node heap with the root in O(1); removal pairs the root's children left
 * to right and melds the pairs right to left. Nodes live in parallel primitive arrays indexed by
 * slot (no node objects); ties break on the sequence number, as in {@link EventQueue}.
 */
final class PairingEventQueue {
    private long[] time;
    private long[] seq;
    private int[] child;
    private int[] sibling;
    private Event[] events;
    private int[] free;
    private int freeCount;
    private int root = -1;
    private int size;
    private long nextSeq;
    private int[] pass = new int[64];

    PairingEventQueue() {
        this(256);
    }

    PairingEventQueue(int cap) {
        time = new long[cap];
        seq = new long[cap];
        child = new int[cap];
        sibling = new int[cap];
        events = new Event[cap];
        free = new int[cap];
        for (int i = 0; i < cap; i++) {
            free[i] = cap - 1 - i;
        }
        freeCount = cap;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long add(long t, Event e) {
        if (freeCount == 0) {
            grow();
        }
        int n = free[--freeCount];
        long s = nextSeq++;
        time[n] = t;
        seq[n] = s;
        child[n] = -1;
        sibling[n] = -1;
        events[n] = e;
        root = root < 0 ? n : meld(root, n);
        size++;
        return s;
    }

    long peekTime() {
        if (root < 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        return time[root];
    }

    Event poll() {
        if (root < 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        int r = root;
        Event e = events[r];
        events[r] = null;
        free[freeCount++] = r;
        size--;
        root = combine(child[r]);
        return e;
    }

    private boolean before(int a, int b) {
        return time[a] < time[b] || (time[a] == time[b] && seq[a] < seq[b]);
    }

    /** Two roots into one; the loser becomes the winner's first child. */
    private int meld(int a, int b) {
        if (before(b, a)) {
            int x = a;
            a = b;
            b = x;
        }
        sibling[b] = child[a];
        child[a] = b;
        sibling[a] = -1;
        return a;
    }

    /** The two-pass pairing of a sibling list. */
    private int combine(int first) {
        if (first < 0) {
            return -1;
        }
        int n = 0;
        int c = first;
        while (c >= 0) {
            int a = c;
            int b = sibling[a];
            if (b < 0) {
                sibling[a] = -1;
                push(n++, a);
                break;
            }
            c = sibling[b];
            sibling[a] = -1;
            sibling[b] = -1;
            push(n++, meld(a, b));
        }
        int r = pass[--n];
        while (n > 0) {
            r = meld(pass[--n], r);
        }
        return r;
    }

    private void push(int i, int node) {
        if (i == pass.length) {
            pass = Arrays.copyOf(pass, i * 2);
        }
        pass[i] = node;
    }

    private void grow() {
        int old = time.length;
        int cap = old * 2;
        time = Arrays.copyOf(time, cap);
        seq = Arrays.copyOf(seq, cap);
        child = Arrays.copyOf(child, cap);
        sibling = Arrays.copyOf(sibling, cap);
        events = Arrays.copyOf(events, cap);
        free = Arrays.copyOf(free, cap);
        for (int i = cap - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }
}
