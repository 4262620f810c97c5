package io.stacksim.device;

import io.stacksim.block.Op;

/**
 * One piece of the media work a passthrough command implies, as the device does it: an ordinary
 * operation over a sector range (in 512-byte sectors) whose host-link transfer may be less than
 * its media range (a VERIFY reads the media and moves no data; WRITE SAME moves one block and
 * writes the range), and what the device records or compares of the data.
 *
 * @param op            the device operation (READ, WRITE, FLUSH, a zone operation)
 * @param sector        first sector
 * @param sectors       sectors of media work
 * @param hostBytes     bytes moved over the host link (DMA)
 * @param flags         REQ_* flags (FUA)
 * @param writeToken    for a write, what the range now holds ({@link DeviceCommand#dataToken})
 * @param compareToken  for a verify that compares, what every block must hold; else {@link #NO_COMPARE}
 */
public record MediaStep(Op op, long sector, int sectors, long hostBytes, int flags, long writeToken,
                        long compareToken) {
    /** A step that compares nothing. */
    public static final long NO_COMPARE = Long.MIN_VALUE;

    /** A read of the media that moves {@code hostBytes} and compares nothing. */
    public static MediaStep read(long sector, int sectors, long hostBytes, int flags) {
        return new MediaStep(Op.READ, sector, sectors, hostBytes, flags, 0, NO_COMPARE);
    }

    /** A write of the range that moves {@code hostBytes} and leaves {@code token} on the media. */
    public static MediaStep write(long sector, int sectors, long hostBytes, int flags, long token) {
        return new MediaStep(Op.WRITE, sector, sectors, hostBytes, flags, token, NO_COMPARE);
    }

    /** A media read whose blocks are compared with {@code token} (VERIFY with BYTCHK 01b or 11b). */
    public static MediaStep compare(long sector, int sectors, long hostBytes, long token) {
        return new MediaStep(Op.READ, sector, sectors, hostBytes, 0, 0, token);
    }

    /** A step with no range (a cache flush, a zone operation on the zone at {@code sector}). */
    public static MediaStep of(Op op, long sector) {
        return new MediaStep(op, sector, 0, 0, 0, 0, NO_COMPARE);
    }
}
