/**
 * Files on a block device: the file system's name space and allocator
 * ({@link io.stacksim.fs.FileSystem}), the page cache ({@link io.stacksim.fs.PageCache} with its
 * page frames, LRU and reclaim, workingset and page I/O), readahead, writeback and the flusher,
 * buffered I/O, mmap and direct I/O.
 *
 * <p>Contract: everything here sees the device only as a {@link io.stacksim.block.BlockTarget}
 * (submit a bio, its queue limits, its name and capacity); the system-call layer uses
 * {@link io.stacksim.fs.PageCacheLayer} and {@link io.stacksim.fs.DirectIo}. Entry points:
 * {@link io.stacksim.fs.PageCacheLayer}, {@link io.stacksim.fs.DirectIo}.
 */
package io.stacksim.fs;
