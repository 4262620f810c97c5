package io.stacksim.device;

/**
 * A SCSI command descriptor block as fio's sg engine builds it (engines/sg.c fio_sgio_prep), by
 * field: the operation code (SBC-3 / ZBC), its LBA and block count, the BYTCHK, NDOB and FUA
 * bits, the ZBC service action, and the data buffer (SG_IO's dxfer_len and direction).
 *
 * @param opcode    CDB byte 0
 * @param action    the service action of ZBC IN / ZBC OUT (REPORT ZONES 0x00; CLOSE 0x01,
 *                  FINISH 0x02, OPEN 0x03, RESET WRITE POINTER 0x04), else 0
 * @param lba       the first logical block
 * @param blocks    the number of logical blocks (VERIFY LENGTH, the WRITE SAME range, ...)
 * @param bytchk    VERIFY / WRITE AND VERIFY byte 1 bits 2-1 (0: medium only, 1: compare the
 *                  data-out buffer, 3: compare one block against every block of the range)
 * @param ndob      WRITE SAME(16)'s NDOB (no data-out buffer: the device writes zeroes)
 * @param fua       the FUA bit of READ / WRITE
 * @param dataBytes SG_IO's dxfer_len
 * @param toDevice  SG_DXFER_TO_DEV (REQ_OP_DRV_OUT) rather than FROM_DEV or NONE
 * @param dataToken what the data-out buffer holds ({@link DeviceCommand#dataToken})
 */
public record ScsiCdb(int opcode, int action, long lba, long blocks, int bytchk, boolean ndob, boolean fua,
                      long dataBytes, boolean toDevice, long dataToken) implements DeviceCommand {
    public static final int READ_10 = 0x28;
    public static final int READ_16 = 0x88;
    public static final int WRITE_10 = 0x2a;
    public static final int WRITE_16 = 0x8a;
    public static final int WRITE_VERIFY_10 = 0x2e;
    public static final int WRITE_VERIFY_16 = 0x8e;
    public static final int VERIFY_10 = 0x2f;
    public static final int VERIFY_16 = 0x8f;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int ZBC_OUT = 0x94;
    public static final int ZBC_IN = 0x95;
    /** ZBC IN service action REPORT ZONES. */
    public static final int REPORT_ZONES = 0x00;
    /** ZBC OUT service actions. */
    public static final int CLOSE_ZONE = 0x01;
    public static final int FINISH_ZONE = 0x02;
    public static final int OPEN_ZONE = 0x03;
    public static final int RESET_WRITE_POINTER = 0x04;

    public ScsiCdb {
        if (opcode < 0 || opcode > 0xff || lba < 0 || blocks < 0 || bytchk < 0 || bytchk > 3 || dataBytes < 0) {
            throw new IllegalArgumentException("impossible CDB: opcode " + opcode + " lba " + lba + " blocks " + blocks);
        }
    }

    /** The operation's name in SBC-3 / ZBC terms, for messages and traces. */
    public String name() {
        return switch (opcode) {
            case READ_10 -> "READ(10)";
            case READ_16 -> "READ(16)";
            case WRITE_10 -> "WRITE(10)";
            case WRITE_16 -> "WRITE(16)";
            case WRITE_VERIFY_10 -> "WRITE AND VERIFY(10)";
            case WRITE_VERIFY_16 -> "WRITE AND VERIFY(16)";
            case VERIFY_10 -> "VERIFY(10)";
            case VERIFY_16 -> "VERIFY(16)";
            case WRITE_SAME_10 -> "WRITE SAME(10)";
            case WRITE_SAME_16 -> "WRITE SAME(16)";
            case SYNCHRONIZE_CACHE_10 -> "SYNCHRONIZE CACHE(10)";
            case SYNCHRONIZE_CACHE_16 -> "SYNCHRONIZE CACHE(16)";
            case ZBC_OUT -> "ZBC OUT";
            case ZBC_IN -> "ZBC IN";
            default -> String.format("opcode 0x%02x", opcode);
        };
    }
}
