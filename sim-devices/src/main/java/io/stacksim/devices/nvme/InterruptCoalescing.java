package io.stacksim.devices.nvme;

/**
 * NVMe Interrupt Coalescing (Set Features, Feature Identifier 08h; NVM Express Base
 * Specification 1.4, s5.21.1.8): a completion queue's interrupt is raised once
 * {@code threshold} completions are pending, or {@code timeNs} after the first one, whichever
 * comes first. The spec's fields are Aggregation Threshold (THR, 0's based: THR = threshold - 1)
 * and Aggregation Time (TIME, in 100 us units). Linux leaves it off (threshold 1).
 *
 * @param threshold completions per interrupt (1 = every completion interrupts)
 * @param timeNs    longest wait of a pending completion, a multiple of 100 us; 0 = no wait
 */
public record InterruptCoalescing(int threshold, long timeNs) {
    /** The spec's time granularity. */
    public static final long TIME_UNIT_NS = 100_000;

    public InterruptCoalescing {
        if (threshold < 1 || threshold > 256) {
            throw new IllegalArgumentException("aggregation threshold must be 1..256 (THR is an 8-bit 0's based value)");
        }
        if (timeNs < 0 || timeNs % TIME_UNIT_NS != 0 || timeNs / TIME_UNIT_NS > 255) {
            throw new IllegalArgumentException("aggregation time must be 0..25.5 ms in steps of 100 us");
        }
    }

    /** Coalescing off: one interrupt per completion. */
    public static InterruptCoalescing off() {
        return new InterruptCoalescing(1, 0);
    }

    public boolean enabled() {
        return threshold > 1 && timeNs > 0;
    }
}
