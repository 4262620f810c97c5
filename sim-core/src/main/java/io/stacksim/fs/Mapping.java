package io.stacksim.fs;

import java.util.BitSet;

/**
 * A shared or private file mapping (a VMA made by mmap): which of its pages have a present
 * PTE, and which of those are mapped writable. Pages start unmapped, so the first touch of each
 * faults; writeback write-protects a shared page again (page_mkclean), so the next store
 * faults and re-dirties it; eviction unmaps it (rmap walk).
 */
public final class Mapping {
    final CachedFile file;
    /** First file page of the mapping. */
    final long pgoff;
    final long pages;
    final boolean shared;
    final boolean writable;
    final BitSet present = new BitSet();
    final BitSet writeEnabled = new BitSet();
    /** MADV_SEQUENTIAL / MADV_RANDOM (VM_SEQ_READ / VM_RAND_READ). */
    boolean seqHint;
    boolean randHint;
    boolean unmapped;
    /** The open file the mapping was made from: its readahead state serves faults. */
    OpenFile openFile;

    Mapping(CachedFile file, long pgoff, long pages, boolean shared, boolean writable) {
        this.file = file;
        this.pgoff = pgoff;
        this.pages = pages;
        this.shared = shared;
        this.writable = writable;
    }

    public long pages() {
        return pages;
    }

    public long pgoff() {
        return pgoff;
    }

    public boolean shared() {
        return shared;
    }

    public CachedFile file() {
        return file;
    }

    /** The PTE of file page {@code index} is gone (page evicted or the range unmapped). */
    void unmapPage(long index) {
        long i = index - pgoff;
        if (i >= 0 && i < pages) {
            present.clear((int) i);
            writeEnabled.clear((int) i);
        }
    }

    /** page_mkclean: the page's PTE becomes read-only, so the next store faults. */
    void writeProtect(long index) {
        long i = index - pgoff;
        if (i >= 0 && i < pages) {
            writeEnabled.clear((int) i);
        }
    }

    boolean isPresent(long index) {
        long i = index - pgoff;
        return i >= 0 && i < pages && present.get((int) i);
    }
}
