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
        }
        while (!ref.isEmpty()) {
            assertThat(q.poll()).isSameAs(ref.poll());
        }
        assertThat(q.isEmpty()).isTrue();
    }
}
