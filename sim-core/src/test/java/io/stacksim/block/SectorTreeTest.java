package io.stacksim.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SectorTreeTest {
    private static final Comparator<SectorTree.Node> ORDER = Comparator.<SectorTree.Node>comparingLong(n -> n.treeKey)
            .thenComparingLong(n -> n.treeSeq);

    @Test
    void answersEveryLookupAsASortedSetOfSectorThenInsertionOrderDoes() {
        // The reference is java.util.TreeSet with the rbtree's order (equal sectors: the newer
        // to the right); random adds, removals and lookups, many equal sectors, and runs of
        // ascending sectors (a sequential writer), which must not degrade the treap.
        Random rnd = new Random(7);
        SectorTree tree = new SectorTree();
        TreeSet<SectorTree.Node> ref = new TreeSet<>(ORDER);
        List<SectorTree.Node> in = new ArrayList<>();
        long seq = 0;
        long sequential = 0;
        for (int step = 0; step < 200_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 || in.isEmpty()) {
                SectorTree.Node n = new SectorTree.Node();
                n.treeKey = step % 3 == 0 ? (sequential += 8) : rnd.nextInt(512) * 8L;
                n.treeSeq = ++seq;
                tree.add(n);
                ref.add(n);
                in.add(n);
            } else if (op < 8) {
                SectorTree.Node n = in.remove(rnd.nextInt(in.size()));
                tree.remove(n);
                ref.remove(n);
            } else {
                SectorTree.Node n = in.get(rnd.nextInt(in.size()));
                assertThat(tree.higher(n)).isSameAs(ref.higher(n));
                assertThat(tree.lower(n)).isSameAs(ref.lower(n));
                long pos = rnd.nextInt(4200) * 8L;
                SectorTree.Node probe = new SectorTree.Node();
                probe.treeKey = pos;
                probe.treeSeq = Long.MIN_VALUE;
                assertThat(tree.ceiling(pos)).isSameAs(ref.ceiling(probe));
            }
            assertThat(tree.isEmpty()).isEqualTo(ref.isEmpty());
        }
    }
}
