package io.stacksim.engine;

/**
 * A callback fired by the {@link Simulator} at the time it was scheduled for.
 *
 * <p>Components usually implement this on an object they already own (a request, a timer)
 * so that scheduling allocates nothing; a lambda works too.
 */
@FunctionalInterface
public interface Event {
    /** Runs the event; {@link Simulator#now()} is its scheduled time. */
    void fire();
}
