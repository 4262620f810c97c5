package io.stacksim.fs.ext4;

/**
 * A preallocation space (struct ext4_prealloc_space): blocks mballoc found beyond what one
 * request asked for and keeps for the next. An inode PA maps a logical range of one file onto a
 * physical one (the next writes of that file land right after); a locality-group PA is a run
 * that the small files allocated from one CPU share, used from its start.
 */
final class Prealloc {
    final boolean inodePa;
    /** Logical block the PA starts at (inode PA); meaningless for a group PA. */
    long lstart;
    long pstart;
    int len;
    int free;
    boolean deleted;

    Prealloc(boolean inodePa, long lstart, long pstart, int len) {
        this.inodePa = inodePa;
        this.lstart = lstart;
        this.pstart = pstart;
        this.len = len;
        this.free = len;
    }

    long logicalEnd() {
        return lstart + len;
    }
}
