package io.stacksim.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The candidate calendar queue for {@link HoldCli} (R. Brown, CACM 31(10), 1988): a ring of
 * buckets ("days") of one width, each a list sorted by (time, sequence); removal scans from the
 * current day for an entry of the current "year". The ring doubles or halves when the queue
 * grows past twice or falls under half the number of days, and the width is re-estimated from
 * the spacing of the earliest entries, as Brown describes. Entries are parallel primitive
 * arrays indexed by slot, linked by {@code next}.
 */
final class CalendarEventQueue {
    private long[] time;
    private long[] seq;
    private int[] next;
    private Event[] events;
    private int[] free;
    private int freeCount;
    private int[] heads;
    private int mask;
    private long width = 1 << 10;
    private int day;       // current bucket
    private long dayTop;   // end of the current bucket's window in this year
    private long lastTime; // time of the last removal
    private int size;
    private long nextSeq;

    CalendarEventQueue() {
        time = new long[256];
        seq = new long[256];
        next = new int[256];
        events = new Event[256];
        free = new int[256];
        for (int i = 0; i < 256; i++) {
            free[i] = 255 - i;
        }
        freeCount = 256;
        heads = new int[2];
        Arrays.fill(heads, -1);
        mask = 1;
        dayTop = width;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long add(long t, Event e) {
        if (freeCount == 0) {
            growSlots();
        }
        int n = free[--freeCount];
        long s = nextSeq++;
        time[n] = t;
        seq[n] = s;
        events[n] = e;
        link(n);
        size++;
        if (size > 2 * heads.length) {
            resize(heads.length * 2);
        }
        return s;
    }

    private void link(int n) {
        int b = (int) ((time[n] / width) & mask);
        int p = -1;
        int c = heads[b];
        while (c >= 0 && (time[c] < time[n] || (time[c] == time[n] && seq[c] < seq[n]))) {
            p = c;
            c = next[c];
        }
        next[n] = c;
        if (p < 0) {
            heads[b] = n;
        } else {
            next[p] = n;
        }
    }

    long peekTime() {
        return time[find()];
    }

    Event poll() {
        int n = find();
        heads[day] = next[n];
        lastTime = time[n];
        Event e = events[n];
        events[n] = null;
        free[freeCount++] = n;
        size--;
        if (size < heads.length / 2 && heads.length > 2) {
            resize(heads.length / 2);
        }
        return e;
    }

    /** The earliest entry, which then heads bucket {@code day}. */
    private int find() {
        if (size == 0) {
            throw new NoSuchElementException("event queue is empty");
        }
        int d = day;
        long top = dayTop;
        for (int k = 0; k <= mask; k++) {
            int h = heads[d];
            if (h >= 0 && time[h] < top) {
                day = d;
                dayTop = top;
                return h;
            }
            d = (d + 1) & mask;
            top += width;
        }
        // Nothing this year: a direct search for the minimum, and the calendar moves there.
        int best = -1;
        for (int b = 0; b <= mask; b++) {
            int h = heads[b];
            if (h >= 0 && (best < 0 || time[h] < time[best] || (time[h] == time[best] && seq[h] < seq[best]))) {
                best = h;
            }
        }
        day = (int) ((time[best] / width) & mask);
        dayTop = (time[best] / width + 1) * width;
        return best;
    }

    private void resize(int days) {
        long w = estimateWidth();
        int[] old = heads;
        heads = new int[days];
        Arrays.fill(heads, -1);
        mask = days - 1;
        width = w;
        for (int h : old) {
            int c = h;
            while (c >= 0) {
                int nx = next[c];
                link(c);
                c = nx;
            }
        }
        day = (int) ((lastTime / width) & mask);
        dayTop = (lastTime / width + 1) * width;
    }

    /** Brown's rule: three times the mean gap between the earliest entries (a sample of them). */
    private long estimateWidth() {
        int sample = Math.min(size, 25);
        if (sample < 2) {
            return width;
        }
        long[] ts = new long[size];
        int i = 0;
        for (int h : heads) {
            for (int c = h; c >= 0; c = next[c]) {
                ts[i++] = time[c];
            }
        }
        Arrays.sort(ts, 0, i);
        long span = ts[sample - 1] - ts[0];
        return Math.max(1, 3 * span / (sample - 1));
    }

    private void growSlots() {
        int old = time.length;
        int cap = old * 2;
        time = Arrays.copyOf(time, cap);
        seq = Arrays.copyOf(seq, cap);
        next = Arrays.copyOf(next, cap);
        events = Arrays.copyOf(events, cap);
        free = Arrays.copyOf(free, cap);
        for (int i = cap - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }
}
