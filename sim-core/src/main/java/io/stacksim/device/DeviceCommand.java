package io.stacksim.device;

/**
 * A command a driver passes to the device as it is, in a passthrough request (REQ_OP_DRV_IN or
 * REQ_OP_DRV_OUT): a SCSI CDB from SG_IO (drivers/scsi/scsi_ioctl.c sg_io, drivers/scsi/sg.c) or
 * an NVMe command from io_uring's uring_cmd (drivers/nvme/host/ioctl.c nvme_uring_cmd_io).
 */
public sealed interface DeviceCommand permits ScsiCdb, NvmeCommand {
    /** Bytes of the data buffer the request maps (blk_rq_map_user: dxfer_len, the command's data length). */
    long dataBytes();

    /** True when the data goes to the device (REQ_OP_DRV_OUT: SG_DXFER_TO_DEV, an NVMe write). */
    boolean toDevice();

    /**
     * What the data buffer holds, for a device that compares or stores it (VERIFY with BYTCHK):
     * the same token for the same bytes ({@link #ZEROES} for zeroes); {@link #UNKNOWN} for bytes
     * no later command reproduces (fio's random buffers).
     */
    long dataToken();

    /** The token of a buffer of zeroes (and of media never written: a formatted drive reads zeroes). */
    long ZEROES = 0;
    /** The token of data no later command reproduces: comparing against it always fails. */
    long UNKNOWN = -1;
}
