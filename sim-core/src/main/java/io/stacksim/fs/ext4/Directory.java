package io.stacksim.fs.ext4;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory's entries in its blocks (fs/ext4/namei.c, linear directories): each entry takes
 * 8 bytes plus its name rounded up to 4 (EXT4_DIR_REC_LEN), "." and ".." start the first
 * block, and a new entry goes into the first block with room (ext4_add_entry), a new block
 * being appended when none has (ext4_append). With metadata_csum each block ends in a 12-byte
 * checksum tail. Freed entries leave their room to the next insertion into that block.
 */
final class Directory {
    private static final int CSUM_TAIL = 12;
    private final int blockSize;
    /** Bytes used in each directory block (by logical block). */
    private final List<Integer> used = new ArrayList<>();
    /** Entry name -> (logical directory block, inode). */
    private final Map<String, long[]> entries = new LinkedHashMap<>();

    Directory(int blockSize) {
        this.blockSize = blockSize;
    }

    static int recLen(int nameLen) {
        return (8 + nameLen + 3) & ~3;
    }

    /** Puts "." and ".." in a new directory's first block. */
    void init() {
        used.add(recLen(1) + recLen(2));
    }

    int blocks() {
        return used.size();
    }

    long lookup(String name) {
        long[] e = entries.get(name);
        return e == null ? -1 : e[1];
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Adds an entry; returns the logical block it went into, or -(n+1) when it needs a new
     * block n appended first (the caller allocates the block, then calls {@link #addInNewBlock}).
     */
    int add(String name, long ino) {
        int rec = recLen(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        for (int b = 0; b < used.size(); b++) {
            if (used.get(b) + rec <= blockSize - CSUM_TAIL) {
                used.set(b, used.get(b) + rec);
                entries.put(name, new long[] {b, ino});
                return b;
            }
        }
        return -(used.size() + 1);
    }

    /** Appends a block and puts the entry in it. */
    int addInNewBlock(String name, long ino) {
        int rec = recLen(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        used.add(rec);
        entries.put(name, new long[] {used.size() - 1, ino});
        return used.size() - 1;
    }

    /** Removes an entry; returns the logical block it was in, or -1. */
    int remove(String name) {
        long[] e = entries.remove(name);
        if (e == null) {
            return -1;
        }
        int b = (int) e[0];
        used.set(b, used.get(b) - recLen(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        return b;
    }
}
