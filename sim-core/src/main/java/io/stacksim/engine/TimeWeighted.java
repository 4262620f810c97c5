package io.stacksim.engine;

/**
 * A time-weighted average of a piecewise-constant quantity (queue length, busy servers):
 * the integral of the value over time divided by the elapsed time.
 */
public final class TimeWeighted {
    private long start;
    private long lastChange;
    private double value;
    private double integral;
    private double max;

    public TimeWeighted(long start) {
        this.start = start;
        this.lastChange = start;
    }

    /** Sets the value from time {@code now} on. */
    public void set(long now, double newValue) {
        integral += value * (now - lastChange);
        lastChange = now;
        value = newValue;
        if (newValue > max) {
            max = newValue;
        }
    }

    public void add(long now, double delta) {
        set(now, value + delta);
    }

    public double value() {
        return value;
    }

    public double max() {
        return max;
    }

    /** Integral of the value from the start to {@code now} (value x ns). */
    public double integral(long now) {
        return integral + value * (now - lastChange);
    }

    /** Average over [start, now]; 0 for an empty interval. */
    public double average(long now) {
        long span = now - start;
        return span <= 0 ? 0 : integral(now) / span;
    }

    /** Forgets the history (e.g. at the end of warm-up) but keeps the current value. */
    public void restart(long now) {
        start = now;
        lastChange = now;
        integral = 0;
        max = value;
    }
}
