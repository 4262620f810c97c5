package io.stacksim.devices.ssd;

/**
 * NAND operation times and the channel's data rate.
 *
 * @param readNs            tR: array to page register (page sense)
 * @param programNs         tPROG: page register to array (one multi-plane program)
 * @param eraseNs           tBERS: block erase
 * @param channelBytesPerSec the channel's data rate (ONFI NV-DDR / Toggle DDR: MT/s x 1 byte)
 * @param commandNs         command and address cycles on the channel before each operation
 */
public record NandTiming(long readNs, long programNs, long eraseNs, double channelBytesPerSec, long commandNs) {
    public NandTiming {
        if (readNs < 0 || programNs < 0 || eraseNs < 0 || channelBytesPerSec <= 0 || commandNs < 0) {
            throw new IllegalArgumentException("impossible NAND timing");
        }
    }

    /** Channel time to move {@code bytes} (rounded up to the nanosecond). */
    public long channelNs(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / channelBytesPerSec);
    }
}
