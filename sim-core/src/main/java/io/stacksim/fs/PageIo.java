package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.BioEndIo;
import io.stacksim.block.BlockTarget;
import io.stacksim.block.IoOwner;
import io.stacksim.block.IoPriority;
import io.stacksim.block.Op;
import io.stacksim.block.Plug;

/**
 * The page cache's block I/O: reads of runs of missing pages for readahead and faults
 * (mm/readahead.c read_pages, mm/filemap.c filemap_read_folio) and writes of runs of dirty
 * pages for writeback and fsync (the ->writepages of fs/mpage.c and iomap), one bio per run
 * contiguous on the device within an extent, up to 256 pages (BIO_MAX_VECS), submitted under
 * a plug to the {@link BlockTarget}. Completion is end_page_read / folio_end_writeback.
 */
final class PageIo {
    /** BIO_MAX_VECS: pages per bio. */
    static final int BIO_MAX_PAGES = 256;

    private final PageCache cache;

    PageIo(PageCache cache) {
        this.cache = cache;
    }

    /**
     * Reads pages [start, start+n) of {@code cf} that are not cached (page_cache_ra_unbounded):
     * allocates them locked, marks the one at {@code mark} PG_readahead, and submits one bio
     * per contiguous run. Stops early if memory cannot be reclaimed. Returns pages queued.
     */
    int readPages(CachedFile cf, long start, long n, long mark, IoOwner owner, int bioFlags) {
        long eof = (cf.file.size() + VmSettings.PAGE_SIZE - 1) >> VmSettings.PAGE_SHIFT;
        long end = Math.min(start + n, eof);
        long runStart = -1;
        long runEnd = -1;
        int queued = 0;
        Plug plug = Plug.start(owner); // read_pages plugs around ->readahead
        for (long i = start; i < end; i++) {
            if (cache.find(cf, i) >= 0) {
                if (runStart >= 0) {
                    // An already cached page ends the run: kick off what we have (read_pages).
                    submitRead(cf, runStart, runEnd - runStart, owner, bioFlags);
                    runStart = -1;
                }
                continue;
            }
            int s = cache.addLocked(cf, i);
            if (s < 0) {
                break;
            }
            if (i == mark) {
                cache.setReadaheadMark(s);
            }
            queued++;
            if (runStart < 0) {
                runStart = i;
            }
            runEnd = i + 1;
        }
        if (runStart >= 0) {
            submitRead(cf, runStart, runEnd - runStart, owner, bioFlags);
        }
        Plug.finish(owner, plug);
        return queued;
    }

    /** Reads one locked page outside readahead (filemap_read_folio): no REQ_RAHEAD. */
    void readPage(CachedFile cf, long idx, IoOwner owner) {
        Plug plug = Plug.start(owner);
        submitRead(cf, idx, 1, owner, 0);
        Plug.finish(owner, plug);
    }

    private void submitRead(CachedFile cf, long first, long count, IoOwner owner, int bioFlags) {
        forEachBioRun(cf, first, count, (sector, pageStart, pages) -> {
            PageBio done = new PageBio(cf, pageStart, pages, false);
            cf.file.bdev().submitBio(new Bio(sector, pages << 3, Op.READ, bioFlags, IoPriority.NONE, owner, done));
        });
    }

    /**
     * Writes the given pages (which the caller has moved to writeback with
     * {@link PageCache#startWriteback}) as bios of contiguous runs; per page for a raw block
     * device, whose mpage-style writepage submits one bio per page.
     */
    void submitWrites(CachedFile cf, long[] pages, int count, IoOwner owner, int bioFlags) {
        Plug plug = Plug.start(owner); // writepages runs under a plug, so per-page bios merge
        int i = 0;
        boolean perPage = cf.file.isBlockDevice();
        while (i < count) {
            int j = i + 1;
            if (!perPage) {
                while (j < count && pages[j] == pages[j - 1] + 1) {
                    j++;
                }
            }
            long first = pages[i];
            long n = j - i;
            forEachBioRun(cf, first, n, (sector, pageStart, np) -> {
                PageBio done = new PageBio(cf, pageStart, np, true);
                cf.file.bdev().submitBio(new Bio(sector, np << 3, Op.WRITE, bioFlags, IoPriority.NONE, owner, done));
            });
            i = j;
        }
        Plug.finish(owner, plug);
    }

    @FunctionalInterface
    private interface RunConsumer {
        void accept(long sector, long pageStart, int pages);
    }

    /** Splits file pages [first, first+count) into runs contiguous on the device, <= 256 pages. */
    private static void forEachBioRun(CachedFile cf, long first, long count, RunConsumer c) {
        long p = first;
        long end = first + count;
        while (p < end) {
            Extent e = cf.file.extentAt(p << VmSettings.PAGE_SHIFT);
            long extentEndPage = e.fileEnd() >> VmSettings.PAGE_SHIFT;
            int n = (int) Math.min(Math.min(end, extentEndPage) - p, BIO_MAX_PAGES);
            long sector = e.sector() + (((p << VmSettings.PAGE_SHIFT) - e.fileOffset()) >> 9);
            c.accept(sector, p, n);
            p += n;
        }
    }

    /** Completion of a page bio: end_page_read or folio_end_writeback for each page. */
    private final class PageBio implements BioEndIo {
        private final CachedFile cf;
        private final long first;
        private final int count;
        private final boolean write;

        PageBio(CachedFile cf, long first, int count, boolean write) {
            this.cf = cf;
            this.first = first;
            this.count = count;
            this.write = write;
        }

        @Override
        public void endIo(Bio bio) {
            for (long i = first; i < first + count; i++) {
                int s = cache.find(cf, i);
                if (write) {
                    cache.endWriteback(cf, s, i);
                } else {
                    cache.readDone(s, bio);
                }
            }
            if (write) {
                cache.wakeWritebackWaiters(cf);
            }
            cache.memoryMayBeFree();
        }
    }
}
