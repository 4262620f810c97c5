package io.stacksim.fs.ext4;

/**
 * The CPU time of one ext4 fallocate(2) call, from the work it did (fs/ext4/extents.c
 * ext4_fallocate and ext4_alloc_file_blocks, fs/ext4/inode.c ext4_punch_hole). Calibrated on
 * Linux 6.18 here (docs/ext4.md, "fallocate and punch-hole cost"): fio's falloc engine on a
 * fresh ext4 over a loop device, the median latency of a 4 KiB punch inside an unwritten extent
 * 2.8 us (one job) and 3.0 us (falloc.fio's mix), of a fallocate over blocks already allocated
 * 0.64 us, of falloc.fio's fallocates (filling punched holes) 7.2 us.
 */
final class Ext4Costs {
    /**
     * ext4_fallocate's own path: inode_dio_wait, filemap_invalidate_lock, truncate_pagecache_range
     * over pages not cached, the extent status tree looked up (ext4_es_lookup_extent).
     */
    static final long CALL_NS = 100;
    /** ext4_journal_start and ext4_journal_stop: jbd2__journal_start's start_this_handle, jbd2_journal_stop. */
    static final long HANDLE_NS = 100;
    /**
     * Each metadata block the call dirties: ext4_journal_get_write_access and
     * ext4_handle_dirty_metadata (jbd2's buffer bookkeeping; the block's crc32c, metadata_csum).
     */
    static final long METADATA_BLOCK_NS = 100;
    /**
     * Each change of the extent tree: ext4_find_extent down the tree, the leaf's split or merge
     * and its memmove (ext4_ext_remove_space, ext4_ext_insert_extent), the extent status tree
     * updated (ext4_es_remove_extent, ext4_es_insert_extent).
     */
    static final long EXTENT_CHANGE_NS = 1_000;
    /** Each run of blocks freed: ext4_free_blocks -> ext4_mb_load_buddy, mb_free_blocks, ext4_mb_free_metadata. */
    static final long FREE_RUN_NS = 800;
    /** Each run of blocks allocated: ext4_mb_new_blocks -> ext4_mb_regular_allocator, ext4_mb_mark_diskspace_used. */
    static final long ALLOC_RUN_NS = 1_500;

    private Ext4Costs() {
    }

    /** The kernel time of a fallocate call that dirtied {@code blocks} metadata blocks and did the rest. */
    static long fallocateNs(int blocks, int extentChanges, int freedRuns, int allocatedRuns) {
        return CALL_NS + HANDLE_NS + blocks * METADATA_BLOCK_NS + extentChanges * EXTENT_CHANGE_NS
                + freedRuns * FREE_RUN_NS + allocatedRuns * ALLOC_RUN_NS;
    }
}
