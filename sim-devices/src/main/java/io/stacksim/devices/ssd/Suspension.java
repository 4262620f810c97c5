package io.stacksim.devices.ssd;

/**
 * Program and erase suspend/resume for reads (ONFI 4.x Program Suspend / Erase Suspend): a read
 * that finds its die in a long array operation may have the controller suspend it, run the
 * read, and resume. Suspending takes {@code suspendNs} (the chip reaches a safe point between
 * program or erase pulses); resuming costs {@code resumeNs} on top of the time the operation had
 * left. An operation is suspended at most {@code maxSuspends} times, and only when at least
 * {@code minRemainingNs} of it is left (MQSim's "reasonable suspension time"). Wu and He,
 * "Reducing SSD read latency via NAND flash program and erase suspension" (FAST 2012) show it
 * removes most of the read tail behind programs and erases.
 *
 * @param program        programs may be suspended
 * @param erase          erases may be suspended
 * @param suspendNs      time from the suspend command to the die accepting a read
 * @param resumeNs       extra time the resumed operation takes
 * @param maxSuspends    suspensions per operation
 * @param minRemainingNs no suspension when less of the operation is left
 */
public record Suspension(boolean program, boolean erase, long suspendNs, long resumeNs, int maxSuspends,
                         long minRemainingNs) {
    public Suspension {
        if (suspendNs < 0 || resumeNs < 0 || maxSuspends < 0 || minRemainingNs < 0) {
            throw new IllegalArgumentException("suspension times and counts must be non-negative");
        }
    }

    /** No suspension: reads wait for programs and erases. */
    public static Suspension none() {
        return new Suspension(false, false, 0, 0, 0, 0);
    }

    /** True if an operation of this kind, suspended {@code times} so far with {@code leftNs} to go, may be suspended. */
    public boolean allows(boolean isErase, int times, long leftNs) {
        return (isErase ? erase : program) && times < maxSuspends && leftNs >= minRemainingNs && leftNs > suspendNs;
    }
}
