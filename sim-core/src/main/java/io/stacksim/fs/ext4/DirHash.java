package io.stacksim.fs.ext4;

import java.nio.charset.StandardCharsets;

/**
 * ext4's directory hash as mkfs.ext4 sets it by default (fs/ext4/hash.c, DX_HASH_HALF_MD4 with
 * the signed-char string packing of an x86 mkfs): the name in 32-byte pieces through
 * half_md4_transform, seeded with the superblock's s_hash_seed (a random UUID at mkfs; the MD4
 * initial buffer when the seed is all zero). The 32-bit major hash, its low bit clear, orders
 * entries in an indexed directory.
 */
final class DirHash {
    private static final int K2 = 013240474631;
    private static final int K3 = 015666365641;
    /** EXT4_HTREE_EOF_32BIT. */
    private static final int EOF_32BIT = 0x7fffffff;

    private final int[] seed;

    /** {@code seed}: s_hash_seed as four little-endian words, or all zero for the default. */
    DirHash(int[] seed) {
        if (seed.length != 4) {
            throw new IllegalArgumentException("s_hash_seed is four 32-bit words");
        }
        this.seed = seed.clone();
    }

    /** ext4fs_dirhash: the major hash of {@code name}. */
    int hash(String name) {
        byte[] p = name.getBytes(StandardCharsets.UTF_8);
        int[] buf = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
        if (seed[0] != 0 || seed[1] != 0 || seed[2] != 0 || seed[3] != 0) {
            System.arraycopy(seed, 0, buf, 0, 4);
        }
        int[] in = new int[8];
        for (int off = 0, len = p.length; len > 0; off += 32, len -= 32) {
            str2hashbuf(p, off, len, in);
            halfMd4Transform(buf, in);
        }
        int hash = buf[1] & ~1;
        if (hash == (EOF_32BIT << 1)) {
            hash = (EOF_32BIT - 1) << 1;
        }
        return hash;
    }

    /** str2hashbuf_signed with num = 8: four bytes a word, padded with the length. */
    private static void str2hashbuf(byte[] msg, int off, int len, int[] buf) {
        int pad = len | (len << 8);
        pad |= pad << 16;
        int val = pad;
        int n = Math.min(len, 32);
        int num = 8;
        int w = 0;
        for (int i = 0; i < n; i++) {
            val = msg[off + i] + (val << 8);
            if (i % 4 == 3) {
                buf[w++] = val;
                val = pad;
                num--;
            }
        }
        if (--num >= 0) {
            buf[w++] = val;
        }
        while (--num >= 0) {
            buf[w++] = pad;
        }
    }

    private static int f(int x, int y, int z) {
        return z ^ (x & (y ^ z));
    }

    private static int g(int x, int y, int z) {
        return (x & y) + ((x ^ y) & z);
    }

    private static int h(int x, int y, int z) {
        return x ^ y ^ z;
    }

    /** half_md4_transform: three rounds of eight steps. */
    private static void halfMd4Transform(int[] buf, int[] in) {
        int a = buf[0];
        int b = buf[1];
        int c = buf[2];
        int d = buf[3];
        a = Integer.rotateLeft(a + f(b, c, d) + in[0], 3);
        d = Integer.rotateLeft(d + f(a, b, c) + in[1], 7);
        c = Integer.rotateLeft(c + f(d, a, b) + in[2], 11);
        b = Integer.rotateLeft(b + f(c, d, a) + in[3], 19);
        a = Integer.rotateLeft(a + f(b, c, d) + in[4], 3);
        d = Integer.rotateLeft(d + f(a, b, c) + in[5], 7);
        c = Integer.rotateLeft(c + f(d, a, b) + in[6], 11);
        b = Integer.rotateLeft(b + f(c, d, a) + in[7], 19);

        a = Integer.rotateLeft(a + g(b, c, d) + in[1] + K2, 3);
        d = Integer.rotateLeft(d + g(a, b, c) + in[3] + K2, 5);
        c = Integer.rotateLeft(c + g(d, a, b) + in[5] + K2, 9);
        b = Integer.rotateLeft(b + g(c, d, a) + in[7] + K2, 13);
        a = Integer.rotateLeft(a + g(b, c, d) + in[0] + K2, 3);
        d = Integer.rotateLeft(d + g(a, b, c) + in[2] + K2, 5);
        c = Integer.rotateLeft(c + g(d, a, b) + in[4] + K2, 9);
        b = Integer.rotateLeft(b + g(c, d, a) + in[6] + K2, 13);

        a = Integer.rotateLeft(a + h(b, c, d) + in[3] + K3, 3);
        d = Integer.rotateLeft(d + h(a, b, c) + in[7] + K3, 9);
        c = Integer.rotateLeft(c + h(d, a, b) + in[2] + K3, 11);
        b = Integer.rotateLeft(b + h(c, d, a) + in[6] + K3, 15);
        a = Integer.rotateLeft(a + h(b, c, d) + in[1] + K3, 3);
        d = Integer.rotateLeft(d + h(a, b, c) + in[5] + K3, 9);
        c = Integer.rotateLeft(c + h(d, a, b) + in[0] + K3, 11);
        b = Integer.rotateLeft(b + h(c, d, a) + in[4] + K3, 15);

        buf[0] += a;
        buf[1] += b;
        buf[2] += c;
        buf[3] += d;
    }
}
