package io.stacksim.fs;

import io.stacksim.block.Bio;

import java.util.function.Consumer;

/**
 * Memory-mapped file I/O (mm/memory.c and mm/filemap.c): page faults on first touch,
 * readahead for faults, fault-around, dirtying through shared writable mappings, msync.
 *
 * <ul>
 *   <li>Touching a page with no PTE faults. A read fault first tries fault-around
 *       (do_fault_around / filemap_map_pages): it maps the cached, uptodate pages of the
 *       aligned fault_around_bytes window, skipping pages marked PG_readahead, without I/O; if
 *       that maps the touched page the fault was minor.</li>
 *   <li>Otherwise filemap_fault: a cached page is a minor fault (and a PG_readahead mark
 *       starts asynchronous readahead); a missing page is a major fault that starts
 *       do_sync_mmap_readahead — none for MADV_RANDOM, a normal synchronous readahead for
 *       MADV_SEQUENTIAL, else read-around (a window of ra_pages centred on the fault, a
 *       quarter of it asynchronous) unless more than MMAP_LOTSAMISS faults in a row missed —
 *       and waits for the page.</li>
 *   <li>The first store to a page of a shared writable mapping faults (page_mkwrite) and
 *       dirties the page; writeback write-protects it again, so the next store faults
 *       again.</li>
 * </ul>
 */
public final class MmapIo {
    private final PageCache cache;
    private final PageIo io;
    private final Readahead readahead;
    private final Writeback writeback;
    private final FsCosts costs;
    private final long faultAroundPages;

    /** file_update_time of a page_mkwrite (the file system's clock and inode). */
    private java.util.function.Consumer<SimFile> fileModified = f -> { };

    void onFileModified(java.util.function.Consumer<SimFile> hook) {
        this.fileModified = hook;
    }

    MmapIo(PageCache cache, PageIo io, Readahead readahead, Writeback writeback, FsCosts costs) {
        this.cache = cache;
        this.io = io;
        this.readahead = readahead;
        this.writeback = writeback;
        this.costs = costs;
        this.faultAroundPages = cache.settings().faultAroundBytes() >> VmSettings.PAGE_SHIFT;
    }

    /** mmap: a mapping of {@code len} bytes of the file from {@code offset} (page aligned). */
    public Mapping map(OpenFile f, long offset, long len, boolean shared, boolean writable) {
        if ((offset & (VmSettings.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("mmap offset must be page aligned");
        }
        CachedFile cf = cache.state(f.file());
        long pages = (len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
        Mapping m = new Mapping(cf, offset >>> VmSettings.PAGE_SHIFT, pages, shared, writable);
        m.openFile = f;
        cf.mappings.add(m);
        return m;
    }

    /** munmap: every PTE of the mapping goes away. */
    public void unmap(Mapping m) {
        if (m.unmapped) {
            return;
        }
        for (int i = m.present.nextSetBit(0); i >= 0; i = m.present.nextSetBit(i + 1)) {
            int s = cache.find(m.file, m.pgoff + i);
            if (s >= 0) {
                cache.unmapped(s);
            }
        }
        m.present.clear();
        m.writeEnabled.clear();
        m.unmapped = true;
        m.file.mappings.remove(m);
    }

    /** madvise(MADV_SEQUENTIAL / MADV_RANDOM / MADV_NORMAL). */
    public void advise(Mapping m, boolean sequential, boolean random) {
        m.seqHint = sequential;
        m.randHint = random;
    }

    /**
     * The user touches [offset, offset+len) of the mapping (a load, or a store if
     * {@code write}); every page that needs it faults, waiting for I/O where it must.
     * {@code then} runs on the task's CPU when all pages are accessible.
     */
    public void touch(FsContext ctx, Mapping m, long offset, long len, boolean write, Consumer<Bio> then) {
        if (m.unmapped) {
            throw new IllegalStateException("touch of an unmapped region");
        }
        long first = offset >>> VmSettings.PAGE_SHIFT;
        long last = (offset + len + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT;
        if (last > m.pages) {
            throw new IllegalArgumentException("touch beyond the mapping (SIGBUS)");
        }
        new Touch(ctx, m, first, last, write, then).step();
    }

    private final class Touch {
        private final FsContext ctx;
        private final Mapping m;
        private final long end;
        private final boolean write;
        private final Consumer<Bio> then;
        private long page;
        /** The bio whose completion the last fault waited for (for the latency breakdown). */
        private Bio waited;

        Touch(FsContext ctx, Mapping m, long first, long end, boolean write, Consumer<Bio> then) {
            this.ctx = ctx;
            this.m = m;
            this.page = first;
            this.end = end;
            this.write = write;
            this.then = then;
        }

        void step() {
            while (page < end) {
                int i = (int) page;
                long idx = m.pgoff + page;
                if (m.present.get(i) && (!write || m.writeEnabled.get(i))) {
                    int s = cache.find(m.file, idx);
                    cache.markYoung(s);
                    page++;
                    continue;
                }
                fault(idx);
                return;
            }
            then.accept(waited);
        }

        private void fault(long idx) {
            int i = (int) (idx - m.pgoff);
            int s = cache.find(m.file, idx);
            if (m.present.get(i)) {
                // A write-protected present page: wp fault on a shared mapping (page_mkwrite).
                ctx.countFault(false);
                ctx.computeSys(costs.minorFaultNs(), () -> makeWritable(idx));
                return;
            }
            if (!write && faultAround(idx)) {
                cache.countHit(); // the page was in the cache: mapped without I/O
                ctx.countFault(false);
                ctx.computeSys(costs.minorFaultNs(), this::step);
                return;
            }
            Readahead.State ra = readahead.state(m.openFile);
            if (s >= 0 && cache.isUptodate(s)) {
                // filemap_fault on a cached page: a minor fault; do_async_mmap_readahead.
                ctx.countFault(false);
                if (!m.randHint && ra.mmapMiss > 0) {
                    ra.mmapMiss--;
                }
                if (cache.hasReadaheadMark(s) && !m.randHint) {
                    readahead.asyncRa(m.openFile, m.file, s, idx, ra.raPages, ctx);
                }
                cache.countHit();
                ctx.computeSys(costs.minorFaultNs(), () -> mapAndGo(idx));
                return;
            }
            if (s < 0) {
                // No page in the cache at all: a major fault (filemap_fault counts PGMAJFAULT only here).
                ctx.countFault(true);
                cache.countMiss();
                syncMmapReadahead(ra, idx);
                s = cache.find(m.file, idx);
                if (s < 0) {
                    s = cache.addLocked(m.file, idx);
                    if (s < 0) {
                        ctx.sleep();
                        cache.waitForMemory(() -> ctx.wakeUp(() -> fault(idx)));
                        return;
                    }
                    io.readPage(m.file, idx, ctx);
                }
            } else {
                // In the cache but still being read (readahead in flight): a minor fault that waits.
                ctx.countFault(false);
                cache.countHit();
            }
            int slot = s;
            long faultCost = cache.isUptodate(slot) ? costs.minorFaultNs() : costs.majorFaultNs();
            ctx.computeSys(faultCost, () -> {
                if (cache.isUptodate(slot) && !cache.isLocked(slot)) {
                    mapAndGo(idx);
                    return;
                }
                ctx.sleep();
                cache.waitUnlocked(slot, bio -> {
                    waited = bio;
                    ctx.wakeUp(() -> mapAndGo(idx));
                });
            });
        }

        /** do_sync_mmap_readahead. */
        private void syncMmapReadahead(Readahead.State ra, long idx) {
            if (m.randHint || ra.raPages == 0) {
                return;
            }
            if (m.seqHint) {
                readahead.syncRa(m.openFile, m.file, idx, ra.raPages, ctx);
                return;
            }
            if (++ra.mmapMiss > Readahead.MMAP_LOTSAMISS) {
                return;
            }
            readahead.readAround(ra, m.file, idx, ctx);
        }

        /** Maps the faulted page (re-looked up: it may have been evicted meanwhile). */
        private void mapAndGo(long idx) {
            int s = cache.find(m.file, idx);
            if (s < 0 || !cache.isUptodate(s)) {
                fault(idx);
                return;
            }
            int i = (int) (idx - m.pgoff);
            if (!m.present.get(i)) {
                m.present.set(i);
                cache.mapped(s);
            }
            cache.markYoung(s);
            if (write) {
                makeWritable(idx);
                return;
            }
            page++;
            step();
        }

        /** A store to a shared mapping dirties the page (page_mkwrite + wp_page_reuse). */
        private void makeWritable(long idx) {
            int s = cache.find(m.file, idx);
            int i = (int) (idx - m.pgoff);
            if (s < 0 || !m.present.get(i)) {
                fault(idx); // evicted while we computed: fault it in again
                return;
            }
            if (!m.shared) {
                // A private mapping copies the page on the first store (COW); the copy is
                // anonymous memory, outside the page cache.
                ctx.countCopy(VmSettings.PAGE_SIZE);
                m.writeEnabled.set(i);
                ctx.computeSys(costs.copyNs(VmSettings.PAGE_SIZE), () -> {
                    page++;
                    step();
                });
                return;
            }
            m.writeEnabled.set(i);
            fileModified.accept(m.file.file()); // ext4_page_mkwrite -> file_update_time
            if (cache.data() != null) {
                cache.data().pageWritten(m.file.file(), idx);
            }
            boolean wasDirty = cache.isDirty(s);
            cache.markDirty(s, m.file);
            if (!wasDirty) {
                ctx.setNrDirtied(ctx.nrDirtied() + 1);
            }
            page++;
            writeback.balanceDirtyPages(ctx, this::step);
        }

        /**
         * do_fault_around: maps the uptodate, unlocked, unmarked cached pages of the aligned
         * window around {@code idx} that lie in the mapping and the file. True if {@code idx}
         * itself got mapped.
         */
        private boolean faultAround(long idx) {
            long start = idx / faultAroundPages * faultAroundPages;
            long from = Math.max(start, m.pgoff);
            long to = Math.min(Math.min(start + faultAroundPages, m.pgoff + m.pages),
                    (m.file.file.size() + VmSettings.PAGE_SIZE - 1) >>> VmSettings.PAGE_SHIFT);
            boolean mappedTarget = false;
            Readahead.State ra = readahead.state(m.openFile);
            for (long j = from; j < to; j++) {
                int i = (int) (j - m.pgoff);
                if (m.present.get(i)) {
                    continue;
                }
                int s = cache.find(m.file, j);
                if (s < 0 || !cache.isUptodate(s) || cache.isLocked(s) || cache.hasReadaheadMark(s)) {
                    continue;
                }
                m.present.set(i);
                cache.mapped(s);
                if (j == idx) {
                    cache.markYoung(s);
                    mappedTarget = true;
                }
                if (ra.mmapMiss > 0) {
                    ra.mmapMiss--;
                }
            }
            return mappedTarget;
        }
    }

    /** msync(MS_SYNC) is vfs_fsync_range over the mapping; MS_ASYNC does nothing since 2.6.19. */
    public void msync(FsContext ctx, Mapping m, boolean sync, Runnable then) {
        if (!sync || !m.shared) {
            then.run();
            return;
        }
        writeback.fsyncRange(ctx, m.file, m.pgoff, m.pgoff + m.pages, true, then); // vfs_fsync_range(..., 1)
    }
}
