package io.stacksim.devices.zoned;

import io.stacksim.block.Bio;
import io.stacksim.block.BlkZone;
import io.stacksim.block.Op;
import io.stacksim.block.Request;
import io.stacksim.block.ZoneCond;
import io.stacksim.block.ZonedLimits;
import io.stacksim.device.BlockDevice;
import io.stacksim.device.DeviceHost;
import io.stacksim.device.DeviceLimits;
import io.stacksim.device.ZonedBlockDevice;
import io.stacksim.engine.RandomStreams;
import io.stacksim.engine.Simulator;
import io.stacksim.engine.Stats;
import java.util.ArrayList;
import java.util.List;

/**
 * A zoned drive: the firmware's zone rules ({@link ZoneState}) in front of the media model that
 * stores the data (the NAND back end of an NVMe SSD for ZNS, the disk mechanics for SMR).
 *
 * <p>Each command is checked against the zone state as it arrives, in arrival order (the block
 * layer's zone write plugging keeps one write per zone in flight). Accepted writes and zone
 * appends go to the media model at the zone's place in it: zone {@code z}'s writable capacity
 * is laid out at {@code z x zone_capacity}, so the media holds exactly the zones' capacity (a
 * ZNS drive has no flash behind the gap between capacity and size). Reads of written sectors
 * go to the media. The part of a read at or beyond the write pointer holds no data: on a ZNS
 * drive those blocks are deallocated (NVMe ZNS 1.1: a zone's blocks are deallocated when it is
 * reset, and a read of them returns what DLFEAT says, zeroes here), so the read goes to the media
 * model all the same as far as the zone's capacity: its FTL finds the units unmapped, reads no
 * NAND, and the zeroes cross the PCIe link to the host like any read data. A disk (SMR) moves no
 * media data for that part, and a read entirely there costs only the command time. The part
 * between a zone's capacity and its size has no media behind it and moves nothing. Zone
 * management commands (reset, open, close, finish, reset all) take the command time; a reset,
 * and a reset of all zones, also deallocates the written data in the media model (a discard of
 * it: the FTL's blocks become invalid). Rejected commands complete with their error after the
 * command time.
 */
public final class ZonedDevice implements ZonedBlockDevice {
    private final String name;
    private final BlockDevice media;
    private final DeviceLimits limits;
    private final ZonedLimits zoned;
    private final ZoneState zones;
    private final long commandNs;
    private final boolean unrestrictedReads;
    /** Reads of unwritten blocks go to the media, which returns zeroes for them (an NVMe FTL's unmapped units). */
    private final boolean mediaReadsUnwritten;
    private DeviceHost host;
    private Simulator sim;

    private long rejected;
    private long resets;
    private long unwrittenReads;

    /** A host request fanned out to media requests. */
    private static final class Parts {
        final Request rq;
        int pending;

        Parts(Request rq, int pending) {
            this.rq = rq;
            this.pending = pending;
        }
    }

    /**
     * @param media             the model that stores the zones' data, its capacity the zones' total capacity
     * @param zoned             the zone geometry and limits reported to the host
     * @param zones             the firmware's zone state
     * @param commandNs         firmware time of a command that moves no media data
     * @param unrestrictedReads reads beyond the write pointer return zeroes (ZBC URSWRZ=1, NVMe ZNS); else they fail
     */
    public ZonedDevice(String name, BlockDevice media, ZonedLimits zoned, ZoneState zones, long commandNs,
                       boolean unrestrictedReads) {
        this(name, media, zoned, zones, commandNs, unrestrictedReads, false);
    }

    /**
     * @param mediaReadsUnwritten reads of blocks beyond the write pointer (up to the zone's capacity) go
     *                            to the media model, which returns zeroes for deallocated blocks and
     *                            transfers them (ZNS: the NVMe FTL); else that part moves no data (SMR)
     */
    public ZonedDevice(String name, BlockDevice media, ZonedLimits zoned, ZoneState zones, long commandNs,
                       boolean unrestrictedReads, boolean mediaReadsUnwritten) {
        this.mediaReadsUnwritten = mediaReadsUnwritten;
        this.name = name;
        this.media = media;
        this.zoned = zoned;
        this.zones = zones;
        this.commandNs = commandNs;
        this.unrestrictedReads = unrestrictedReads;
        DeviceLimits m = media.limits();
        long expected = (long) zoned.nrZones() * zones.capacitySectors();
        if (m.capacitySectors() != expected) {
            throw new IllegalArgumentException("media holds " + m.capacitySectors() + " sectors, the zones " + expected);
        }
        this.limits = new DeviceLimits(zoned.zoneSectors() * zoned.nrZones(), m.logicalBlockSize(), m.physicalBlockSize(),
                m.queueDepth(), m.hwQueues(), m.maxHwSectors(), m.maxSegments(), m.maxSegmentSize(), m.rotational(),
                m.volatileWriteCache(), m.fua(), m.tagDepth());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceLimits limits() {
        return limits;
    }

    @Override
    public ZonedLimits zoned() {
        return zoned;
    }

    @Override
    public List<BlkZone> reportZones(long sector, int nrZones) {
        return zones.report(sector, nrZones);
    }

    /** The zone state (for tests and reports). */
    public ZoneState state() {
        return zones;
    }

    @Override
    public void attach(DeviceHost h) {
        this.host = h;
        this.sim = h.sim();
        media.attach(new MediaHost());
    }

    /** The sector in the media model of {@code sector} (below its zone's capacity). */
    private long mediaSector(long sector) {
        int z = zones.zoneOf(sector);
        return z * zones.capacitySectors() + (sector - zones.start(z));
    }

    @Override
    public void submit(Request rq) {
        switch (rq.op) {
            case READ -> read(rq);
            case WRITE -> {
                int r = zones.write(rq.sector, rq.nrSectors);
                if (r < 0) {
                    reject(rq, r);
                } else {
                    toMedia(rq, List.of(part(rq, Op.WRITE, mediaSector(rq.sector), rq.nrSectors)));
                }
            }
            case ZONE_APPEND -> {
                long at = zones.append(zones.zoneOf(rq.sector), rq.nrSectors);
                if (at < 0) {
                    reject(rq, (int) at);
                } else {
                    rq.writtenSector = at;
                    toMedia(rq, List.of(part(rq, Op.WRITE, mediaSector(at), rq.nrSectors)));
                }
            }
            case FLUSH -> toMedia(rq, List.of(part(rq, Op.FLUSH, 0, 0)));
            case ZONE_RESET -> {
                int z = zones.zoneOf(rq.sector);
                long written = zones.conventional(z) ? 0 : zones.writePointer(z) - zones.start(z);
                int r = zones.reset(z);
                if (r < 0) {
                    reject(rq, r);
                    return;
                }
                resets++;
                if (written > 0) {
                    toMedia(rq, List.of(part(rq, Op.DISCARD, mediaSector(zones.start(z)), (int) written)));
                } else {
                    finish(rq, 0);
                }
            }
            case ZONE_RESET_ALL -> {
                resets++;
                List<Request> discards = new ArrayList<>();
                for (int z = 0; z < zoned.nrZones(); z++) {
                    if (zones.conventional(z) || zones.condition(z) == ZoneCond.READONLY
                            || zones.condition(z) == ZoneCond.OFFLINE) {
                        continue;
                    }
                    long written = zones.writePointer(z) - zones.start(z);
                    if (written > 0) {
                        discards.add(part(rq, Op.DISCARD, mediaSector(zones.start(z)), (int) written));
                    }
                }
                zones.resetAll();
                if (discards.isEmpty()) {
                    finish(rq, 0);
                } else {
                    toMedia(rq, discards);
                }
            }
            case ZONE_OPEN -> finish(rq, zones.openZone(zones.zoneOf(rq.sector)));
            case ZONE_CLOSE -> finish(rq, zones.closeZone(zones.zoneOf(rq.sector)));
            case ZONE_FINISH -> finish(rq, zones.finishZone(zones.zoneOf(rq.sector)));
            case DISCARD -> reject(rq, -95); // zoned devices take zone resets, not discards, here
        }
    }

    /** A read: the written part of each zone it touches from the media, the rest as zeroes. */
    private void read(Request rq) {
        List<Request> parts = new ArrayList<>(1);
        long s = rq.sector;
        long end = rq.endSector();
        boolean beyond = false;
        while (s < end) {
            int z = zones.zoneOf(s);
            long zoneEnd = Math.min(end, zones.start(z) + zoned.zoneSectors());
            long written = zones.conventional(z) ? zoneEnd : Math.min(zoneEnd, zones.writePointer(z));
            long fromMedia = mediaReadsUnwritten ? Math.min(zoneEnd, zones.start(z) + zones.capacitySectors()) : written;
            if (fromMedia > s) {
                parts.add(part(rq, Op.READ, mediaSector(s), (int) (fromMedia - s)));
            }
            if (written < zoneEnd) {
                beyond = true;
            }
            s = zoneEnd;
        }
        if (beyond) {
            unwrittenReads++;
            if (!unrestrictedReads) {
                reject(rq, ZoneState.EIO);
                return;
            }
        }
        if (parts.isEmpty()) {
            finish(rq, 0);
        } else {
            toMedia(rq, parts);
        }
    }

    private Request part(Request rq, Op op, long sector, int sectors) {
        Bio b = new Bio(sector, sectors, op, rq.flags, rq.priority, rq.owner(), null);
        Request p = new Request(b, rq.cpu, sim.now());
        if (sectors == rq.nrSectors) {
            p.nrSegments = rq.nrSegments;
            p.hostBytes = rq.hostBytes;
        }
        p.tDispatched = sim.now();
        p.deviceData = null;
        return p;
    }

    private void toMedia(Request rq, List<Request> parts) {
        Parts ps = new Parts(rq, parts.size());
        for (Request p : parts) {
            p.schedData = ps;
            media.submit(p);
        }
    }

    private void reject(Request rq, int error) {
        rejected++;
        finish(rq, error);
    }

    /** Completes a command that did no media work after the command time. */
    private void finish(Request rq, int error) {
        rq.error = error;
        rq.devQueueNs = 0;
        rq.devMediaNs = 0;
        rq.devTransferNs = 0;
        sim.after(commandNs, () -> host.complete(rq));
    }

    /** The media model's host: its completions and DMA are the host request's. */
    private final class MediaHost implements DeviceHost {
        @Override
        public Simulator sim() {
            return sim;
        }

        @Override
        public RandomStreams random() {
            return host.random();
        }

        private Request done(Request part) {
            Parts ps = (Parts) part.schedData;
            part.schedData = null;
            Request rq = ps.rq;
            rq.devQueueNs = Math.max(rq.devQueueNs, part.devQueueNs);
            rq.devMediaNs = Math.max(rq.devMediaNs, part.devMediaNs);
            rq.devTransferNs = Math.max(rq.devTransferNs, part.devTransferNs);
            if (part.error != 0) {
                rq.error = part.error;
            }
            return --ps.pending == 0 ? rq : null;
        }

        @Override
        public void complete(Request part) {
            Request rq = done(part);
            if (rq == null) {
                return;
            }
            if (rq.op == Op.ZONE_RESET || rq.op == Op.ZONE_RESET_ALL) {
                // The reset's own firmware time follows the deallocation.
                sim.after(commandNs, () -> host.complete(rq));
            } else {
                host.complete(rq);
            }
        }

        @Override
        public void completeAll(List<Request> batch) {
            List<Request> ready = new ArrayList<>(batch.size());
            for (Request part : batch) {
                Request rq = done(part);
                if (rq != null && (rq.op == Op.ZONE_RESET || rq.op == Op.ZONE_RESET_ALL)) {
                    sim.after(commandNs, () -> host.complete(rq));
                } else if (rq != null) {
                    ready.add(rq);
                }
            }
            host.completeAll(ready);
        }

        @Override
        public void countDma(Request part, long bytes) {
            host.countDma(((Parts) part.schedData).rq, bytes);
        }
    }

    /** The media model's: a ZNS namespace is NVMe, a host-managed disk SATA or SAS. */
    @Override
    public io.stacksim.device.Transport transport() {
        return media.transport();
    }

    @Override
    public void registerStats(Stats stats, String prefix) {
        media.registerStats(stats, prefix);
        stats.counter(prefix + "zoned.rejected", () -> rejected);
        stats.counter(prefix + "zoned.resets", () -> resets);
        stats.counter(prefix + "zoned.unwritten_reads", () -> unwrittenReads);
        stats.counter(prefix + "zoned.implicit_closes", zones::implicitCloses);
        stats.counter(prefix + "zoned.open_zones", zones::openZones);
        stats.counter(prefix + "zoned.active_zones", zones::activeZones);
    }
}
