package io.stacksim.device;

/**
 * An NVMe I/O command as fio's io_uring_cmd engine builds it (engines/nvme.c fio_nvme_uring_cmd_prep)
 * and nvme_uring_cmd_io passes on: opcode, starting LBA, number of logical blocks (the count, not
 * NVMe's 0-based NLB field) and, for Zone Management Send, the action.
 *
 * @param opcode    NVM command set opcode (Flush 0x00, Write 0x01, Read 0x02; ZNS: Zone
 *                  Management Send 0x79, Zone Management Receive 0x7a, Zone Append 0x7d)
 * @param slba      the first logical block (of the namespace's LBA format)
 * @param blocks    logical blocks moved
 * @param zsa       Zone Send Action (close 0x01, finish 0x02, open 0x03, reset 0x04), else 0
 * @param fua       the FUA bit of a write (CDW12 bit 30)
 * @param dataBytes the data buffer's length (data_len of struct nvme_uring_cmd)
 * @param dataToken what a write's buffer holds ({@link DeviceCommand#dataToken})
 */
public record NvmeCommand(int opcode, long slba, long blocks, int zsa, boolean fua, long dataBytes, long dataToken)
        implements DeviceCommand {
    public static final int FLUSH = 0x00;
    public static final int WRITE = 0x01;
    public static final int READ = 0x02;
    public static final int ZONE_MGMT_SEND = 0x79;
    public static final int ZONE_MGMT_RECV = 0x7a;
    public static final int ZONE_APPEND = 0x7d;
    public static final int ZSA_CLOSE = 0x01;
    public static final int ZSA_FINISH = 0x02;
    public static final int ZSA_OPEN = 0x03;
    public static final int ZSA_RESET = 0x04;

    public NvmeCommand {
        if (opcode < 0 || opcode > 0xff || slba < 0 || blocks < 0 || dataBytes < 0) {
            throw new IllegalArgumentException("impossible NVMe command: opcode " + opcode + " slba " + slba);
        }
    }

    /** nvme_is_write: the opcode's low bit (data to the controller). */
    @Override
    public boolean toDevice() {
        return (opcode & 1) != 0;
    }
}
