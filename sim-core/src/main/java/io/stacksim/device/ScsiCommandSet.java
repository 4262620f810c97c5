package io.stacksim.device;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;

/**
 * The SCSI commands a disk's sd device takes through SG_IO and the media work of each.
 *
 * <p>A SAS drive executes SBC-3 itself: READ / WRITE (10, 16); VERIFY with BYTCHK 00b (read
 * the media, no data), 01b (the data-out buffer of the whole range compared with the media)
 * and 11b (one block transferred and compared with every block of the range); WRITE AND
 * VERIFY (write, then read back, BYTCHK 0 as fio sends it); WRITE SAME (10, 16: one block
 * transferred, the whole range written; with NDOB, nothing transferred and zeroes written);
 * SYNCHRONIZE CACHE; and for a host-managed drive ZBC OUT's zone actions.
 *
 * <p>A SATA drive sits behind libata, whose ata_get_xlat_func (drivers/ata/libata-scsi.c)
 * translates only READ / WRITE (6, 10, 16), SYNCHRONIZE CACHE, VERIFY (10, 16), WRITE SAME(16)
 * and ZBC IN / OUT; everything else goes to ata_scsi_simulate, which fails it with ILLEGAL
 * REQUEST, INVALID COMMAND OPERATION CODE. ata_scsi_verify_xlat issues READ VERIFY SECTORS
 * (ATA_PROT_NODATA): the media is read and nothing is transferred or compared, whatever BYTCHK
 * says. ata_scsi_write_same_xlat only takes the UNMAP bit (a TRIM) and refuses passthrough
 * requests outright ("goto invalid_opcode": it would rewrite the data-out buffer). The range
 * checks are ata_scsi_rw_xlat's and ata_check_nblocks': beyond the capacity is LOGICAL BLOCK
 * ADDRESS OUT OF RANGE, more blocks than the mapped buffer holds is INVALID FIELD IN CDB.
 */
public final class ScsiCommandSet implements CommandSet {
    static final String INVALID_OPCODE = "ILLEGAL REQUEST (0x05), INVALID COMMAND OPERATION CODE (0x20/0x00)";
    static final String INVALID_FIELD = "ILLEGAL REQUEST (0x05), INVALID FIELD IN CDB (0x24/0x00)";
    static final String OUT_OF_RANGE = "ILLEGAL REQUEST (0x05), LOGICAL BLOCK ADDRESS OUT OF RANGE (0x21/0x00)";

    private final Transport transport;
    private final MediaContent content = new MediaContent();

    public ScsiCommandSet(Transport transport) {
        if (!transport.scsi()) {
            throw new IllegalArgumentException("not a SCSI transport: " + transport);
        }
        this.transport = transport;
    }

    @Override
    public MediaContent content() {
        return content;
    }

    @Override
    public CommandPlan plan(DeviceCommand cmd, DeviceLimits lim, boolean zoned) {
        if (!(cmd instanceof ScsiCdb c)) {
            return CommandPlan.fail(INVALID_OPCODE);
        }
        boolean sata = transport == Transport.SATA;
        int bs = lim.logicalBlockSize();
        long per = bs >> 9;
        long sector = c.lba() * per;
        long blocks = c.blocks();
        boolean ranged = switch (c.opcode()) {
            case ScsiCdb.READ_10, ScsiCdb.READ_16, ScsiCdb.WRITE_10, ScsiCdb.WRITE_16, ScsiCdb.VERIFY_10,
                 ScsiCdb.VERIFY_16, ScsiCdb.WRITE_VERIFY_10, ScsiCdb.WRITE_VERIFY_16, ScsiCdb.WRITE_SAME_10,
                 ScsiCdb.WRITE_SAME_16 -> true;
            default -> false;
        };
        if (ranged && (c.lba() >= lim.capacitySectors() / per || c.lba() + blocks > lim.capacitySectors() / per)) {
            return CommandPlan.fail(OUT_OF_RANGE);
        }
        int sectors = (int) Math.min(Integer.MAX_VALUE, blocks * per);
        long bytes = blocks * bs;
        int fua = c.fua() ? Bio.FUA : 0;
        switch (c.opcode()) {
            case ScsiCdb.READ_10, ScsiCdb.READ_16 -> {
                if (blocks > c.dataBytes() / bs) {
                    return CommandPlan.fail(INVALID_FIELD); // ata_check_nblocks; SBC: the buffer is short
                }
                return blocks == 0 ? CommandPlan.of() : CommandPlan.of(MediaStep.read(sector, sectors, bytes, fua));
            }
            case ScsiCdb.WRITE_10, ScsiCdb.WRITE_16 -> {
                if (blocks > c.dataBytes() / bs) {
                    return CommandPlan.fail(INVALID_FIELD);
                }
                return blocks == 0 ? CommandPlan.of()
                        : CommandPlan.of(MediaStep.write(sector, sectors, bytes, fua, c.dataToken()));
            }
            case ScsiCdb.SYNCHRONIZE_CACHE_10, ScsiCdb.SYNCHRONIZE_CACHE_16 -> {
                // ata_try_flush_cache: only a drive with a write cache gets FLUSH CACHE.
                return lim.volatileWriteCache() ? CommandPlan.of(MediaStep.of(Op.FLUSH, 0)) : CommandPlan.of();
            }
            case ScsiCdb.VERIFY_10, ScsiCdb.VERIFY_16 -> {
                if (blocks == 0) {
                    return CommandPlan.of();
                }
                if (sata) {
                    return CommandPlan.of(MediaStep.read(sector, sectors, 0, 0)); // READ VERIFY SECTORS
                }
                return switch (c.bytchk()) {
                    case 0 -> CommandPlan.of(MediaStep.read(sector, sectors, 0, 0));
                    case 1 -> c.dataBytes() < bytes ? CommandPlan.fail(INVALID_FIELD)
                            : CommandPlan.of(MediaStep.compare(sector, sectors, bytes, c.dataToken()));
                    case 3 -> c.dataBytes() < bs ? CommandPlan.fail(INVALID_FIELD)
                            : CommandPlan.of(MediaStep.compare(sector, sectors, bs, c.dataToken()));
                    default -> CommandPlan.fail(INVALID_FIELD); // BYTCHK 10b is reserved
                };
            }
            case ScsiCdb.WRITE_VERIFY_10, ScsiCdb.WRITE_VERIFY_16 -> {
                if (sata) {
                    return CommandPlan.fail(INVALID_OPCODE);
                }
                if (blocks > c.dataBytes() / bs) {
                    return CommandPlan.fail(INVALID_FIELD);
                }
                return blocks == 0 ? CommandPlan.of() : CommandPlan.of(
                        MediaStep.write(sector, sectors, bytes, 0, c.dataToken()), MediaStep.read(sector, sectors, 0, 0));
            }
            case ScsiCdb.WRITE_SAME_10, ScsiCdb.WRITE_SAME_16 -> {
                if (sata) {
                    return CommandPlan.fail(INVALID_OPCODE);
                }
                if (c.ndob() && c.opcode() != ScsiCdb.WRITE_SAME_16) {
                    return CommandPlan.fail(INVALID_FIELD);
                }
                if (!c.ndob() && c.dataBytes() < bs) {
                    return CommandPlan.fail(INVALID_FIELD);
                }
                long token = c.ndob() ? DeviceCommand.ZEROES : c.dataToken();
                return blocks == 0 ? CommandPlan.of()
                        : CommandPlan.of(MediaStep.write(sector, sectors, c.ndob() ? 0 : bs, 0, token));
            }
            case ScsiCdb.ZBC_OUT -> {
                if (!zoned) {
                    return CommandPlan.fail(INVALID_OPCODE);
                }
                Op op = switch (c.action()) {
                    case ScsiCdb.CLOSE_ZONE -> Op.ZONE_CLOSE;
                    case ScsiCdb.FINISH_ZONE -> Op.ZONE_FINISH;
                    case ScsiCdb.OPEN_ZONE -> Op.ZONE_OPEN;
                    case ScsiCdb.RESET_WRITE_POINTER -> Op.ZONE_RESET;
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
