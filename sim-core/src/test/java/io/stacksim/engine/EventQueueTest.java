package io.stacksim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    /** An event that only remembers its identity. */
    private record Tagged(long time, long seq) implements Event {
        @Override
        public void fire() {
        }
    }

    @Test
    void matchesAReferencePriorityQueueOnRandomInterleavedOperations() {
        EventQueue q = new EventQueue(4);
        PriorityQueue<Tagged> ref = new PriorityQueue<>((a, b) ->
                a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        SplittableRandom rnd = new SplittableRandom(7);
        long seq = 0;
        for (int i = 0; i < 200_000; i++) {
            if (ref.isEmpty() || rnd.nextInt(100) < 55) {
                long t = rnd.nextLong(1000);
                Tagged e = new Tagged(t, seq++);
                q.add(t, e);
                ref.add(e);
            } else {
                assertThat(q.peekTime()).isEqualTo(ref.peek().time);
                assertThat(q.poll()).isSameAs(ref.poll());
            }
            assertThat(q.size()).isEqualTo(ref.size());
            if (!ref.isEmpty() && rnd.nextInt(4) == 0) {
                // a look right after a poll (the root dead) or an insertion (an entry held)
                assertThat(q.peekTime()).isEqualTo(ref.peek().time);
            }
        }
        while (!ref.isEmpty()) {
            assertThat(q.poll()).isSameAs(ref.poll());
        }
        assertThat(q.isEmpty()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(q::peekTime).isInstanceOf(java.util.NoSuchElementException.class);
    }

    /** An event whose sequence number is known only once it is added. */
    private static final class Numbered implements Event {
        final long time;
        long seq;

        Numbered(long time, long seq) {
            this.time = time;
            this.seq = seq;
        }

        @Override
        public void fire() {
        }
    }

    @Test
    void reservedSequenceNumbersFireInTheOrderOfTheirReservationNotOfTheirInsertion() {
        EventQueue q = new EventQueue(4);
        PriorityQueue<Numbered> ref = new PriorityQueue<>((a, b) ->
                a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        SplittableRandom rnd = new SplittableRandom(11);
        java.util.ArrayDeque<long[]> reserved = new java.util.ArrayDeque<>();
        long now = 0;
        for (int i = 0; i < 100_000; i++) {
            int op = rnd.nextInt(100);
            if (op < 20) {
                reserved.add(new long[] {now + rnd.nextLong(50), q.reserveSeq()});
            } else if (op < 40 && !reserved.isEmpty()) {
                long[] r = rnd.nextBoolean() ? reserved.pollFirst() : reserved.pollLast();
                Numbered e = new Numbered(r[0], r[1]);
                q.addReserved(r[0], r[1], e);
                ref.add(e);
            } else if (op < 70 || ref.isEmpty()) {
                // a step scheduling the next one, often the earliest of all (the held entry)
                Numbered e = new Numbered(now + rnd.nextLong(50), -1);
                e.seq = q.add(e.time, e);
                ref.add(e);
            } else {
                Numbered expected = ref.poll();
                assertThat(q.peekTime()).isEqualTo(expected.time);
                assertThat(q.pollDue(expected.time - 1)).isNull();
                assertThat(q.pollDue(expected.time)).isSameAs(expected);
                assertThat(q.polledTime()).isEqualTo(expected.time);
                now = expected.time;
            }
            assertThat(q.size()).isEqualTo(ref.size());
        }
        while (!ref.isEmpty()) {
            assertThat(q.poll()).isSameAs(ref.poll());
        }
        assertThat(q.pollDue(Long.MAX_VALUE)).isNull();
    }

    @Test
    void anEventAtANegativeTimeIsRefused() {
        EventQueue q = new EventQueue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.add(-1, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSequenceNumberNeverReservedIsRefused() {
        EventQueue q = new EventQueue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.addReserved(5, 0, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
