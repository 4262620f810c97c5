package io.stacksim.devices.dma;

import io.stacksim.block.Request;

/**
 * A DMA engine's scatter-gather limits and the descriptors a request's data needs.
 *
 * <p>Interplay with the block layer: the driver advertises {@code max_segments} and
 * {@code max_segment_size} as queue limits, and the block layer never builds a request that
 * exceeds them: it splits bios to the limits (block/blk-merge.c: bio_split_to_limits, here
 * {@code BlockQueue.split}) and refuses merges that would exceed them (ll_back_merge_fn).
 * A driver that is handed more segments than it can map is a kernel bug, not an I/O error:
 * scsi_alloc_sgtables BUG_ONs and nvme_map_data fails the request with BLK_STS_IOERR after a
 * WARN. So {@link #check} throws: it can only fire if the simulated block layer broke the rule.
 *
 * @param maxSegments      entries the engine accepts per command (NVMe: NVME_MAX_SEGS 128 in
 *                         drivers/nvme/host/pci.c; AHCI: AHCI_MAX_SG 168 in drivers/ata/ahci.h)
 * @param maxSegmentSize   bytes one entry may describe (NVMe PRP: one 4 KiB memory page;
 *                         AHCI PRD: 4 MiB, a 22-bit byte count)
 * @param descriptorBytes  size of one entry (PRP entry 8 B, AHCI PRD 16 B)
 * @param inlineEntries    entries carried in the command itself (NVMe: PRP1 and PRP2, so a
 *                         transfer of at most two pages needs no list); AHCI PRDs sit in the
 *                         command table fetched with the command: use maxSegments
 * @param listFetchNs      extra latency of fetching a descriptor list from host memory (one DMA
 *                         read round trip) when more than {@code inlineEntries} are needed
 */
public record ScatterGather(int maxSegments, long maxSegmentSize, int descriptorBytes,
                            int inlineEntries, long listFetchNs) {

    public ScatterGather {
        if (maxSegments < 1 || maxSegmentSize < 512 || descriptorBytes < 1 || inlineEntries < 0 || listFetchNs < 0) {
            throw new IllegalArgumentException("impossible scatter-gather limits");
        }
    }

    /** NVMe PRPs: one entry per 4 KiB page, two in the command, a list beyond that. */
    public static ScatterGather nvmePrp(int maxSegments, long listFetchNs) {
        return new ScatterGather(maxSegments, 4096, 8, 2, listFetchNs);
    }

    /** AHCI physical region descriptors: 16 B each, up to 4 MiB each, in the command table. */
    public static ScatterGather ahciPrd(int maxSegments) {
        return new ScatterGather(maxSegments, 4L << 20, 16, maxSegments, 0);
    }

    /**
     * Entries needed to describe {@code rq}'s data: each physical segment, cut into pieces of at
     * most {@code maxSegmentSize}. Buffers are page-aligned, so a request of N bytes in S
     * segments needs max(S, ceil(N / maxSegmentSize)) entries.
     */
    public int entries(Request rq) {
        if (!rq.op.hasData()) {
            return 0;
        }
        long bySize = (rq.bytes() + maxSegmentSize - 1) / maxSegmentSize;
        return (int) Math.max(rq.nrSegments, bySize);
    }

    /** Throws if the block layer handed over a request with more segments than advertised. */
    public void check(Request rq) {
        if (rq.nrSegments > maxSegments) {
            throw new IllegalStateException("request " + rq + " has " + rq.nrSegments
                    + " segments, more than max_segments " + maxSegments
                    + ": the block layer must split to the queue limits (bio_split_to_limits)");
        }
    }

    /** Setup latency the descriptors add to a transfer: a list fetch when they do not fit inline. */
    public long setupNs(Request rq) {
        return entries(rq) > inlineEntries ? listFetchNs : 0;
    }
}
