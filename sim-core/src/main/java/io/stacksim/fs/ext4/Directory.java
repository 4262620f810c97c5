package io.stacksim.fs.ext4;

import io.stacksim.fs.Errno;
import io.stacksim.fs.FsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory's blocks as fs/ext4/namei.c keeps them with mkfs.ext4's dir_index and
 * metadata_csum. Each entry takes 8 bytes plus its name rounded up to 4 (ext4_dir_rec_len);
 * every block ends in a 12-byte checksum tail; a deleted entry's room joins the entry before it.
 *
 * <p>A directory starts linear: "." and ".." open block 0 and a new entry goes into the first
 * entry with room after it (ext4_find_dest_de). When its single block is full, the directory
 * becomes an htree (make_indexed_dir): block 0 turns into the dx_root, its entries move to a
 * new block 1, which is split at once (do_split) into a new block 2. From then on an entry goes
 * to the leaf whose hash range holds its {@link DirHash} (dx_probe); a full leaf is split in
 * the middle by size, the upper hashes moving to a new block whose starting hash enters the
 * index. The root holds 507 index entries (4 KiB, csum); when it fills, its entries move to a
 * new index node (one more level), and a full node is split in half. Two levels is the limit
 * without large_dir: past it, adding fails with ENOSPC ("index full, reach max htree level").
 * New blocks are appended at the end (ext4_append). A directory of several blocks made linear
 * (mkfs's lost+found) stays linear and grows by appending.
 */
final class Directory {
    private static final int CSUM_TAIL = 12;
    /** An entry in a block, in its physical order. */
    private static final class Entry {
        final String name;
        long ino;
        final int hash;
        final int nameRec;
        /** rec_len on disk: its own size plus the free room after it. */
        int recLen;

        Entry(String name, long ino, int hash, int nameRec, int recLen) {
            this.name = name;
            this.ino = ino;
            this.hash = hash;
            this.nameRec = nameRec;
            this.recLen = recLen;
        }
    }

    private final int blockSize;
    private final int usable;
    private final DirHash hash;
    /** Leaf (or linear) blocks by logical block; null for index blocks. */
    private final List<List<Entry>> blocks = new ArrayList<>();
    /** Entry name -> (logical block, inode). */
    private final Map<String, long[]> entries = new HashMap<>();
    private boolean indexed;
    /** dx_root's entries (hash, logical block), entry 0 with hash 0. */
    private final List<long[]> root = new ArrayList<>();
    /** Index nodes (indirect_levels 1) by logical block. */
    private final Map<Integer, List<long[]>> nodes = new HashMap<>();
    private int levels;
    private final int rootLimit;
    private final int nodeLimit;

    Directory(int blockSize, DirHash hash) {
        this.blockSize = blockSize;
        this.usable = blockSize - CSUM_TAIL;
        this.hash = hash;
        // dx_root_limit: the block less "." and "..", dx_root_info (8) and dx_tail (8); 8-byte entries.
        this.rootLimit = (blockSize - recLen(1) - recLen(2) - 8 - 8) / 8;
        // dx_node_limit: the block less an empty fake dirent (8) and dx_tail (8).
        this.nodeLimit = (blockSize - 8 - 8) / 8;
    }

    static int recLen(int nameLen) {
        return (8 + nameLen + 3) & ~3;
    }

    private static int nameLen(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A new directory of {@code n} blocks: "." and ".." in block 0, the others empty (mkfs's lost+found has 4). */
    void init(int n) {
        List<Entry> b0 = new ArrayList<>();
        b0.add(new Entry(".", 1, 0, recLen(1), recLen(1)));
        b0.add(new Entry("..", 1, 0, recLen(2), usable - recLen(1)));
        blocks.add(b0);
        for (int i = 1; i < n; i++) {
            List<Entry> empty = new ArrayList<>();
            empty.add(new Entry("", 0, 0, 0, usable));
            blocks.add(empty);
        }
    }

    /** Logical blocks the directory has (i_size / block size). */
    int blocks() {
        return blocks.size();
    }

    /** True once the directory is an htree. */
    boolean indexed() {
        return indexed;
    }

    long lookup(String name) {
        long[] e = entries.get(name);
        return e == null ? -1 : e[1];
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * ext4_add_entry: adds {@code name}; returns the logical blocks it dirtied. Blocks it
     * appended are the logical blocks from the count before the call to {@link #blocks()},
     * for the caller to allocate. Throws ENOSPC when the htree is full.
     */
    int[] add(String name, long ino) {
        int rec = recLen(nameLen(name));
        if (nameLen(name) > 255) { // EXT4_NAME_LEN
            throw new FsException(Errno.ENAMETOOLONG, "name too long: " + name);
        }
        if (indexed) {
            return dxAdd(name, ino, rec);
        }
        int h = hash.hash(name);
        for (int b = 0; b < blocks.size(); b++) {
            if (place(blocks.get(b), name, ino, h, rec)) {
                entries.put(name, new long[] {b, ino});
                return new int[] {b};
            }
            if (blocks.size() == 1) {
                return makeIndexed(name, ino, h, rec);
            }
        }
        List<Entry> nb = new ArrayList<>();
        nb.add(new Entry(name, ino, h, rec, usable));
        blocks.add(nb);
        entries.put(name, new long[] {blocks.size() - 1, ino});
        return new int[] {blocks.size() - 1};
    }

    /** ext4_find_dest_de + ext4_insert_dentry: the first entry whose room holds {@code rec}. */
    private static boolean place(List<Entry> block, String name, long ino, int h, int rec) {
        for (int i = 0; i < block.size(); i++) {
            Entry e = block.get(i);
            int room = e.ino != 0 ? e.recLen - e.nameRec : e.recLen;
            if (room < rec) {
                continue;
            }
            if (e.ino == 0) {
                block.set(i, new Entry(name, ino, h, rec, e.recLen));
            } else {
                block.add(i + 1, new Entry(name, ino, h, rec, room));
                e.recLen = e.nameRec;
            }
            return true;
        }
        return false;
    }

    /** make_indexed_dir: block 0 becomes the root, its entries move to block 1, which is split. */
    private int[] makeIndexed(String name, long ino, int h, int rec) {
        List<Entry> b0 = blocks.get(0);
        List<Entry> moved = new ArrayList<>(b0.subList(2, b0.size()));
        // The copied entries end where block 0's did: the last one's room reaches the new block's end.
        int sum = 0;
        for (Entry e : moved) {
            sum += e.recLen;
        }
        if (!moved.isEmpty()) {
            moved.get(moved.size() - 1).recLen += usable - sum;
        }
        b0.subList(2, b0.size()).clear();
        blocks.set(0, null);
        blocks.add(moved);
        for (Entry e : moved) {
            if (e.ino != 0) {
                entries.get(e.name)[0] = 1;
            }
        }
        indexed = true;
        root.add(new long[] {0, 1});
        List<Integer> dirtied = new ArrayList<>(List.of(0, 1));
        int target = split(1, root, 0, h, dirtied);
        placeOrFail(target, name, ino, h, rec, dirtied);
        return toArray(dirtied);
    }

    private void placeOrFail(int block, String name, long ino, int h, int rec, List<Integer> dirtied) {
        if (!place(blocks.get(block), name, ino, h, rec)) {
            throw new IllegalStateException("no room for " + name + " in block " + block + " after its split");
        }
        entries.put(name, new long[] {block, ino});
        if (!dirtied.contains(block)) {
            dirtied.add(block);
        }
    }

    /** ext4_dx_add_entry. */
    private int[] dxAdd(String name, long ino, int rec) {
        int h = hash.hash(name);
        List<Integer> dirtied = new ArrayList<>();
        while (true) {
            // dx_probe: the root, then the node, then the leaf.
            int ri = probe(root, h);
            List<long[]> frame = root;
            int at = ri;
            int nodeBlock = -1;
            if (levels == 1) {
                nodeBlock = (int) root.get(ri)[1];
                frame = nodes.get(nodeBlock);
                at = probe(frame, h);
            }
            int leaf = (int) frame.get(at)[1];
            if (place(blocks.get(leaf), name, ino, h, rec)) {
                entries.put(name, new long[] {leaf, ino});
                addOnce(dirtied, leaf);
                return toArray(dirtied);
            }
            int limit = frame == root ? rootLimit : nodeLimit;
            if (frame.size() == limit) {
                if (levels == 0) {
                    // A level more: the root's entries move to a new index node.
                    int nb = appendIndexBlock();
                    nodes.put(nb, new ArrayList<>(root));
                    root.clear();
                    root.add(new long[] {0, nb});
                    levels = 1;
                    addOnce(dirtied, 0);
                    addOnce(dirtied, nb);
                    continue; // restart: probe again through the new level
                }
                if (root.size() == rootLimit) {
                    throw new FsException(Errno.ENOSPC, "directory index full, reach max htree level :2");
                }
                // Split the node in half; the upper half goes to a new node indexed in the root.
                int nb = appendIndexBlock();
                int icount1 = frame.size() / 2;
                List<long[]> upper = new ArrayList<>(frame.subList(icount1, frame.size()));
                frame.subList(icount1, frame.size()).clear();
                long hash2 = upper.get(0)[0];
                nodes.put(nb, upper);
                root.add(ri + 1, new long[] {hash2, nb});
                addOnce(dirtied, 0);
                addOnce(dirtied, nodeBlock);
                addOnce(dirtied, nb);
                if (at >= icount1) {
                    frame = upper;
                    at -= icount1;
                }
            }
            int target = split(leaf, frame, at, h, dirtied);
            placeOrFail(target, name, ino, h, rec, dirtied);
            for (Map.Entry<Integer, List<long[]>> n : nodes.entrySet()) {
                if (n.getValue() == frame) {
                    addOnce(dirtied, n.getKey());
                }
            }
            if (frame == root) {
                addOnce(dirtied, 0);
            }
            return toArray(dirtied);
        }
    }

    /** The last index entry whose hash is at most {@code h} (entry 0 covers from hash 0). */
    private static int probe(List<long[]> index, int h) {
        long uh = Integer.toUnsignedLong(h);
        int lo = 1;
        int hi = index.size() - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (index.get(mid)[0] <= uh) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private int appendIndexBlock() {
        blocks.add(null);
        return blocks.size() - 1;
    }

    /**
     * do_split of leaf {@code leaf}, indexed at {@code at} in {@code frame}: its live entries
     * sorted by hash (dx_make_map, dx_sort_map), the upper ones totalling at most half a block
     * by rec_len move to a new block in hash order (dx_move_dirents), the rest are packed in
     * place (dx_pack_dirents); the new block's first hash (its low bit set when the hash
     * continues across the split) enters the index after the old. Returns the block the hash
     * {@code h} belongs in.
     */
    private int split(int leaf, List<long[]> frame, int at, int h, List<Integer> dirtied) {
        List<Entry> old = blocks.get(leaf);
        List<Entry> map = new ArrayList<>();
        for (Entry e : old) {
            if (e.ino != 0) {
                map.add(e);
            }
        }
        map.sort((x, y) -> Integer.compareUnsigned(x.hash, y.hash));
        int count = map.size();
        int size = 0;
        int move = 0;
        int i;
        for (i = count - 1; i >= 0; i--) {
            // is more than half of this entry in the second half of the block?
            if (size + map.get(i).recLen / 2 > blockSize / 2) {
                break;
            }
            size += map.get(i).recLen;
            move++;
        }
        int splitAt = i > 0 ? count - move : count / 2;
        long hash2 = Integer.toUnsignedLong(map.get(splitAt).hash);
        int continued = map.get(splitAt - 1).hash == map.get(splitAt).hash ? 1 : 0;
        List<Entry> up = new ArrayList<>(map.subList(splitAt, count));
        java.util.Set<Entry> moving = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        moving.addAll(up);
        List<Entry> kept = new ArrayList<>();
        for (Entry e : old) {
            if (e.ino != 0 && !moving.contains(e)) {
                kept.add(e);
            }
        }
        pack(kept);
        pack(up);
        blocks.set(leaf, kept);
        blocks.add(up);
        int nb = blocks.size() - 1;
        for (Entry e : up) {
            entries.get(e.name)[0] = nb;
        }
        frame.add(at + 1, new long[] {hash2 + continued, nb});
        addOnce(dirtied, leaf);
        addOnce(dirtied, nb);
        return Integer.toUnsignedLong(h) >= hash2 ? nb : leaf;
    }

    /** Each entry compacted to its own size, the last one holding the block's free room. */
    private void pack(List<Entry> block) {
        int sum = 0;
        for (Entry e : block) {
            e.recLen = e.nameRec;
            sum += e.nameRec;
        }
        block.get(block.size() - 1).recLen += usable - sum;
    }

    private static void addOnce(List<Integer> l, int b) {
        if (!l.contains(b)) {
            l.add(b);
        }
    }

    private static int[] toArray(List<Integer> l) {
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    /**
     * ext4_delete_entry: removes an entry, its room joining the entry before it in the block
     * (or, first in its block, the entry is left empty); returns its logical block, or -1.
     */
    int remove(String name) {
        long[] e = entries.remove(name);
        if (e == null) {
            return -1;
        }
        int b = (int) e[0];
        List<Entry> block = blocks.get(b);
        for (int i = 0; i < block.size(); i++) {
            Entry x = block.get(i);
            if (x.ino != 0 && x.name.equals(name)) {
                if (i > 0) {
                    block.get(i - 1).recLen += x.recLen;
                    block.remove(i);
                } else {
                    x.ino = 0;
                }
                break;
            }
        }
        return b;
    }
}
