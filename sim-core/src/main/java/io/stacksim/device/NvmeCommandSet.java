package io.stacksim.device;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;

/**
 * The NVMe I/O commands a namespace takes through its generic character device (nvme_uring_cmd_io
 * hands them to the controller unchanged): Read, Write and Flush of the NVM command set, and on a
 * zoned namespace the Zoned Namespace command set's Zone Append and Zone Management Send. A
 * command beyond the namespace fails with LBA Out of Range (status 0x80), an unknown one with
 * Invalid Command Opcode (0x01); the zone rules themselves are the device's.
 */
public final class NvmeCommandSet implements CommandSet {
    static final String INVALID_OPCODE = "NVMe status 0x01 Invalid Command Opcode";
    static final String OUT_OF_RANGE = "NVMe status 0x80 LBA Out of Range";
    static final String INVALID_FIELD = "NVMe status 0x02 Invalid Field in Command";

    private final MediaContent content = new MediaContent();

    @Override
    public MediaContent content() {
        return content;
    }

    @Override
    public CommandPlan plan(DeviceCommand cmd, DeviceLimits lim, boolean zoned) {
        if (!(cmd instanceof NvmeCommand c)) {
            return CommandPlan.fail(INVALID_OPCODE);
        }
        int bs = lim.logicalBlockSize();
        long per = bs >> 9;
        long sector = c.slba() * per;
        long lbas = lim.capacitySectors() / per;
        int sectors = (int) Math.min(Integer.MAX_VALUE, c.blocks() * per);
        long bytes = c.blocks() * bs;
        switch (c.opcode()) {
            case NvmeCommand.READ, NvmeCommand.WRITE, NvmeCommand.ZONE_APPEND -> {
                if (c.blocks() == 0 || c.slba() + c.blocks() > lbas) {
                    return CommandPlan.fail(c.blocks() == 0 ? INVALID_FIELD : OUT_OF_RANGE);
                }
                if (c.dataBytes() < bytes) {
                    return CommandPlan.fail(INVALID_FIELD); // a buffer shorter than NLB's data
                }
                if (c.opcode() == NvmeCommand.READ) {
                    return CommandPlan.of(MediaStep.read(sector, sectors, bytes, 0));
                }
                if (c.opcode() == NvmeCommand.ZONE_APPEND) {
                    if (!zoned) {
                        return CommandPlan.fail(INVALID_OPCODE);
                    }
                    return CommandPlan.of(new MediaStep(Op.ZONE_APPEND, sector, sectors, bytes, 0, c.dataToken(),
                            MediaStep.NO_COMPARE));
                }
                return CommandPlan.of(MediaStep.write(sector, sectors, bytes, c.fua() ? Bio.FUA : 0, c.dataToken()));
            }
            case NvmeCommand.FLUSH -> {
                return lim.volatileWriteCache() ? CommandPlan.of(MediaStep.of(Op.FLUSH, 0)) : CommandPlan.of();
            }
            case NvmeCommand.ZONE_MGMT_SEND -> {
                if (!zoned) {
                    return CommandPlan.fail(INVALID_OPCODE);
                }
                if (c.slba() >= lbas) {
                    return CommandPlan.fail(OUT_OF_RANGE);
                }
                Op op = switch (c.zsa()) {
                    case NvmeCommand.ZSA_CLOSE -> Op.ZONE_CLOSE;
                    case NvmeCommand.ZSA_FINISH -> Op.ZONE_FINISH;
                    case NvmeCommand.ZSA_OPEN -> Op.ZONE_OPEN;
                    case NvmeCommand.ZSA_RESET -> Op.ZONE_RESET;
                    default -> null;
                };
                return op == null ? CommandPlan.fail(INVALID_FIELD) : CommandPlan.of(MediaStep.of(op, sector));
            }
            default -> {
                return CommandPlan.fail(INVALID_OPCODE);
            }
        }
    }
}
