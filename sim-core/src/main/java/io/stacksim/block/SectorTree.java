package io.stacksim.block;

/**
 * mq-deadline's sector-sorted tree ({@code dd_per_prio.sort_list[dir]}, an rbtree in the kernel):
 * an intrusive treap over the scheduler's pooled {@link SectorTree.Node}s, ordered by the sector a
 * request was sorted under, then by insertion (an equal sector goes to the right, as
 * {@code elv_rb_add} puts it). The links live in the nodes, so adding and removing allocate
 * nothing. A node's heap priority is a fixed hash of its insertion number: the shape, and so
 * the run, is deterministic.
 */
final class SectorTree {
    /** A member: its sort key, insertion number and links. */
    static class Node {
        /** The sector the request was sorted under. */
        long treeKey;
        /** Insertion order among equal sectors. */
        long treeSeq;
        private Node left;
        private Node right;
        private int pri;
    }

    private Node root;

    boolean isEmpty() {
        return root == null;
    }

    /** Adds {@code n}, whose key and insertion number are set; it must not be in a tree. */
    void add(Node n) {
        n.left = null;
        n.right = null;
        // SplitMix64's finaliser: priorities that look random whatever order the sectors come in
        long h = n.treeSeq * 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        n.pri = (int) (h ^ (h >>> 31));
        root = insert(root, n);
    }

    /** Removes {@code n}, which must be in this tree under its current key. */
    void remove(Node n) {
        root = delete(root, n);
        n.left = null;
        n.right = null;
    }

    /** The first member sorted at or after {@code sector} (deadline_from_pos), or null. */
    Node ceiling(long sector) {
        Node best = null;
        for (Node t = root; t != null; ) {
            if (t.treeKey >= sector) {
                best = t;
                t = t.left;
            } else {
                t = t.right;
            }
        }
        return best;
    }

    /** The member after {@code n} (rb_next), or null. */
    Node higher(Node n) {
        Node best = null;
        for (Node t = root; t != null; ) {
            if (compare(n, t) < 0) {
                best = t;
                t = t.left;
            } else {
                t = t.right;
            }
        }
        return best;
    }

    /** The member before {@code n} (rb_prev), or null. */
    Node lower(Node n) {
        Node best = null;
        for (Node t = root; t != null; ) {
            if (compare(n, t) > 0) {
                best = t;
                t = t.right;
            } else {
                t = t.left;
            }
        }
        return best;
    }

    private static int compare(Node a, Node b) {
        return a.treeKey != b.treeKey ? Long.compare(a.treeKey, b.treeKey) : Long.compare(a.treeSeq, b.treeSeq);
    }

    private static Node insert(Node t, Node n) {
        if (t == null) {
            return n;
        }
        if (compare(n, t) < 0) {
            t.left = insert(t.left, n);
            if (t.left.pri > t.pri) {
                Node l = t.left;
                t.left = l.right;
                l.right = t;
                return l;
            }
        } else {
            t.right = insert(t.right, n);
            if (t.right.pri > t.pri) {
                Node r = t.right;
                t.right = r.left;
                r.left = t;
                return r;
            }
        }
        return t;
    }

    private static Node delete(Node t, Node n) {
        if (t == null) {
            throw new IllegalStateException("request not in its sort tree");
        }
        if (t == n) {
            return join(t.left, t.right);
        }
        if (compare(n, t) < 0) {
            t.left = delete(t.left, n);
        } else {
            t.right = delete(t.right, n);
        }
        return t;
    }

    /** Joins two treaps, every key of {@code a} below every key of {@code b}. */
    private static Node join(Node a, Node b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.pri > b.pri) {
            a.right = join(a.right, b);
            return a;
        }
        b.left = join(a, b.left);
        return b;
    }
}
