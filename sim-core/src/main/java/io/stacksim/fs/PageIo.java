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
 * contiguous on the device within an extent, submitted under a plug to the
 * {@link BlockTarget}. A bio holds up to 256 bio_vecs (BIO_MAX_VECS), one per folio (a
 * multi-page bvec), and each bio_vec is one physical segment per max_segment_size of it
 * (bvec_split_segs), so a bio of large folios spans megabytes in few segments where one of
 * order-0 pages stops at 1 MiB and 256 segments. Completion is end_page_read /
 * folio_end_writeback.
 */
final class PageIo {
    /** BIO_MAX_VECS: bio_vecs (folios) per bio. */
    static final int BIO_MAX_VECS = 256;

    private final PageCache cache;

    PageIo(PageCache cache) {
        this.cache = cache;
    }

    /**
     * The folio loop of page_cache_ra_order (mm/readahead.c): from {@code start} up to
     * {@code limit} (inclusive), folios of {@code order}, smaller where the index is not aligned
     * to it (__ffs(index)) or the folio would pass {@code limit}, the one holding {@code mark}
     * marked PG_readahead (ra_alloc_folio); read_pages then submits them. A folio that would
     * overlap a cached page, or no memory, stops the loop (filemap_add_folio fails). Returns the
     * index it stopped at.
     */
    long readFolios(CachedFile cf, long start, long limit, int order, long mark, IoOwner owner, int bioFlags) {
        long index = start;
        long runStart = -1;
        Plug plug = Plug.start(owner); // read_pages plugs around ->readahead
        while (index <= limit) {
            int o = order;
            if ((index & ((1L << o) - 1)) != 0) {
                o = Long.numberOfTrailingZeros(index);
            }
            while (o > 0 && index + (1L << o) - 1 > limit) {
                o--;
            }
            long n = 1L << o;
            if (!cache.noneCached(cf, index, n) || !cache.canAdd(n)) {
                break;
            }
            for (long i = index; i < index + n; i++) {
                cache.addLocked(cf, i, o);
            }
            if (mark >= index && mark < index + n) {
                cache.setReadaheadMark(cache.find(cf, index));
            }
            if (runStart < 0) {
                runStart = index;
            }
            index += n;
        }
        if (runStart >= 0) {
            submitRead(cf, runStart, index - runStart, owner, bioFlags);
        }
        Plug.finish(owner, plug);
        return index;
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
        if (cf.file.mapper() != null) {
            submitMappedRead(cf, first, count, owner, bioFlags);
            return;
        }
        forEachBioRun(cf, first, count, (sector, pageStart, pages, segments) -> {
            PageBio done = new PageBio(cf, pageStart, pages, false);
            Bio bio = new Bio(sector, pages << 3, Op.READ, bioFlags, IoPriority.NONE, owner, done);
            bio.segments = segments;
            shadowRead(done, bio);
            cf.file.bdev().submitBio(bio);
        });
    }

    /**
     * A read of a file whose blocks the file system maps during the run: pages over a hole or
     * an unwritten extent are zero-filled without I/O (iomap's IOMAP_HOLE / IOMAP_UNWRITTEN),
     * the mapped runs are read as usual.
     */
    private void submitMappedRead(CachedFile cf, long first, long count, IoOwner owner, int bioFlags) {
        long p = first;
        long end = first + count;
        while (p < end) {
            long q = p;
            boolean mapped = isMappedPage(cf.file, p);
            while (q < end && isMappedPage(cf.file, q) == mapped) {
                q++;
            }
            if (mapped) {
                forEachBioRun(cf, p, q - p, (sector, pageStart, pages, segments) -> {
                    PageBio done = new PageBio(cf, pageStart, pages, false);
                    Bio bio = new Bio(sector, pages << 3, Op.READ, bioFlags, IoPriority.NONE, owner, done);
                    bio.segments = segments;
                    shadowRead(done, bio);
                    cf.file.bdev().submitBio(bio);
                });
            } else {
                for (long i = p; i < q; i++) {
                    if (cache.data() != null) {
                        cache.data().pageZeroed(cf.file, i);
                    }
                    cache.readDone(cache.find(cf, i), null);
                }
                cache.memoryMayBeFree();
            }
            p = q;
        }
    }

    private static boolean isMappedPage(SimFile f, long page) {
        Extent e = f.mappedAt(page << VmSettings.PAGE_SHIFT);
        return e != null && !e.unwritten();
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
            long[] pieces = null;
            BlockMapper mapper = cf.file.mapper();
            if (mapper != null) {
                // ext4_do_writepages: delayed blocks are allocated now, a bio per mapped extent.
                pieces = mapper.mapForWriteback(cf.file, first << VmSettings.PAGE_SHIFT, n << VmSettings.PAGE_SHIFT);
            }
            if (pieces == null) {
                writeRun(cf, first, n, owner, bioFlags);
            } else {
                long p = first;
                for (long bytes : pieces) {
                    long np = bytes >> VmSettings.PAGE_SHIFT;
                    writeRun(cf, p, np, owner, bioFlags);
                    p += np;
                }
            }
            i = j;
        }
        Plug.finish(owner, plug);
    }

    private void writeRun(CachedFile cf, long first, long n, IoOwner owner, int bioFlags) {
        forEachBioRun(cf, first, n, (sector, pageStart, np, segments) -> {
            PageBio done = new PageBio(cf, pageStart, np, true);
            Bio bio = new Bio(sector, np << 3, Op.WRITE, bioFlags, IoPriority.NONE, owner, done);
            bio.segments = segments;
            DataChecker data = cache.data();
            if (data != null) {
                data.writeShadow(cf.file, pageStart, np, sector).attach(bio);
            }
            cf.file.bdev().submitBio(bio);
        });
    }

    /** --check: the read's bio carries a shadow for the device to fill, and remembers what it must see. */
    private void shadowRead(PageBio done, Bio bio) {
        DataChecker data = cache.data();
        if (data != null) {
            done.want = data.expected(done.cf.file, done.first, done.count);
            io.stacksim.block.DataShadow.read(bio.sector, bio.nrSectors).attach(bio);
        }
    }

    @FunctionalInterface
    private interface RunConsumer {
        void accept(long sector, long pageStart, int pages, int segments);
    }

    /**
     * Splits cached file pages [first, first+count) into bios contiguous on the device, each
     * of at most 256 bio_vecs: one per folio (the part of it inside the run), every bio_vec
     * ceil(bytes / max_segment_size) physical segments.
     */
    private void forEachBioRun(CachedFile cf, long first, long count, RunConsumer c) {
        long maxSegmentSize = Math.max(VmSettings.PAGE_SIZE, cf.file.bdev().limits().maxSegmentSize());
        long p = first;
        long end = first + count;
        while (p < end) {
            Extent e = cf.file.extentAt(p << VmSettings.PAGE_SHIFT);
            long runEnd = Math.min(end, e.fileEnd() >> VmSettings.PAGE_SHIFT);
            long sector = e.sector() + (((p << VmSettings.PAGE_SHIFT) - e.fileOffset()) >> 9);
            long q = p;
            int vecs = 0;
            int segments = 0;
            while (q < runEnd && vecs < BIO_MAX_VECS) {
                int s = cache.find(cf, q);
                int order = s < 0 ? 0 : cache.folioOrder(s);
                long folioEnd = (q & ~((1L << order) - 1)) + (1L << order);
                long upTo = Math.min(folioEnd, runEnd);
                long bytes = (upTo - q) << VmSettings.PAGE_SHIFT;
                segments += (int) ((bytes + maxSegmentSize - 1) / maxSegmentSize);
                vecs++;
                q = upTo;
            }
            c.accept(sector, p, (int) (q - p), segments);
            p = q;
        }
    }

    /** Completion of a page bio: end_page_read or folio_end_writeback for each page. */
    private final class PageBio implements BioEndIo {
        private final CachedFile cf;
        private final long first;
        private final int count;
        private final boolean write;
        /** --check: the versions a read must see at least (null when not checked). */
        long[] want;

        PageBio(CachedFile cf, long first, int count, boolean write) {
            this.cf = cf;
            this.first = first;
            this.count = count;
            this.write = write;
        }

        @Override
        public void endIo(Bio bio) {
            if (want != null) {
                cache.data().pagesRead(cf.file, first, count, bio, want);
            }
            BlockMapper mapper = write ? cf.file.mapper() : null;
            if (mapper != null) {
                mapper.writebackDone(cf.file, first << VmSettings.PAGE_SHIFT, (long) count << VmSettings.PAGE_SHIFT);
            }
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
