package io.stacksim.device;

/**
 * How the host reaches a device, which decides the passthrough commands it takes: a SATA drive
 * sits behind libata (its sd device speaks SCSI, drivers/ata/libata-scsi.c translates a small
 * set of commands to ATA), a SAS drive speaks SCSI itself, an NVMe namespace takes NVMe
 * commands (and has its generic character device /dev/ngXnY); the rest (RAM disk, the latency
 * device, md and dm) take no passthrough commands at all.
 */
public enum Transport {
    NONE,
    /** An ATA drive behind libata's SCSI translation (ATA_DEV_ATA / ATA_DEV_ZAC), /dev/sdX and /dev/sgN. */
    SATA,
    /** A SCSI drive (SBC-3, ZBC for a host-managed one), /dev/sdX and /dev/sgN. */
    SAS,
    /** An NVMe namespace, /dev/nvmeXnY and its generic character device /dev/ngXnY. */
    NVME;

    /** The sd driver's: SG_IO on the block device and /dev/sgN work. */
    public boolean scsi() {
        return this == SATA || this == SAS;
    }
}
