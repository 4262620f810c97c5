package io.stacksim.devices.ssd;

import java.util.Arrays;

/**
 * NAND operation times by page type, and the channel's data rate.
 *
 * <p>A cell storing {@code bitsPerCell} bits holds that many logical pages per word line: LSB,
 * CSB, MSB and TSB (QLC's top page). Reading a page senses as many read reference voltages as
 * its bit's Gray code changes across the threshold-voltage states (TLC with 2-3-2 coding: LSB 2,
 * CSB 3, MSB 2 sensings), so tR depends on the page type; the program time of one-shot
 * programmed 3D NAND is the word line's, the same for its pages. Pages are numbered within a
 * block word line by word line, so page {@code p} is of type {@code p mod bitsPerCell} (3D NAND
 * programs a whole word line at once; Kang et al., "A 128 Gb 3b/cell V-NAND flash memory with
 * 1 Gb/s I/O rate", ISSCC 2015). Planar MLC numbers pages differently (MQSim's TLC rule follows
 * Yaakobi et al., ICNC 2012); the word-line order is the one of current drives.
 *
 * @param readNs             tR per page type (index 0 = LSB)
 * @param programNs          tPROG per page type (one multi-plane program)
 * @param eraseNs            tBERS: block erase
 * @param channelBytesPerSec the channel's data rate (ONFI NV-DDR / Toggle DDR: MT/s x 1 byte)
 * @param commandNs          command and address cycles on the channel before each operation
 */
public record NandTiming(long[] readNs, long[] programNs, long eraseNs, double channelBytesPerSec, long commandNs) {
    /** Page-type names, by bits per cell. */
    public static final String[] TYPES = {"lsb", "csb", "msb", "tsb"};

    public NandTiming {
        if (readNs.length < 1 || readNs.length > 4 || programNs.length != readNs.length || eraseNs < 0
                || channelBytesPerSec <= 0 || commandNs < 0) {
            throw new IllegalArgumentException("impossible NAND timing");
        }
        for (int i = 0; i < readNs.length; i++) {
            if (readNs[i] < 0 || programNs[i] < 0) {
                throw new IllegalArgumentException("impossible NAND timing");
            }
        }
        readNs = readNs.clone();
        programNs = programNs.clone();
    }

    /** Single-level timing: every page reads in {@code readNs} and programs in {@code programNs}. */
    public static NandTiming uniform(long readNs, long programNs, long eraseNs, double channelBytesPerSec, long commandNs) {
        return new NandTiming(new long[] {readNs}, new long[] {programNs}, eraseNs, channelBytesPerSec, commandNs);
    }

    public int bitsPerCell() {
        return readNs.length;
    }

    /** The type (0 = LSB .. 3 = TSB) of page {@code pageInBlock}. */
    public int pageType(int pageInBlock) {
        return pageInBlock % readNs.length;
    }

    /** tR of page {@code pageInBlock}. */
    public long readNs(int pageInBlock) {
        return readNs[pageType(pageInBlock)];
    }

    /** tPROG of page {@code pageInBlock}. */
    public long programNs(int pageInBlock) {
        return programNs[pageType(pageInBlock)];
    }

    /** The mean tR over page types (pages of each type are equally many). */
    public double meanReadNs() {
        return Arrays.stream(readNs).average().orElseThrow();
    }

    /** The mean tPROG over page types. */
    public double meanProgramNs() {
        return Arrays.stream(programNs).average().orElseThrow();
    }

    /** Channel time to move {@code bytes} (rounded up to the nanosecond). */
    public long channelNs(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / channelBytesPerSec);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NandTiming t && Arrays.equals(readNs, t.readNs) && Arrays.equals(programNs, t.programNs)
                && eraseNs == t.eraseNs && channelBytesPerSec == t.channelBytesPerSec && commandNs == t.commandNs;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(readNs) * 31 + Arrays.hashCode(programNs);
    }

    @Override
    public String toString() {
        return "NandTiming[tR=" + Arrays.toString(readNs) + ", tPROG=" + Arrays.toString(programNs) + ", tBERS=" + eraseNs
                + ", channel=" + channelBytesPerSec + " B/s, command=" + commandNs + " ns]";
    }
}
