package io.stacksim.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes an RGB image as a PNG file (ISO/IEC 15948: signature, IHDR, pHYs, IDAT, IEND; 8-bit
 * truecolour, no interlace). Each row takes the filter (None, Sub or Up) with the smallest sum
 * of absolute residuals, the heuristic the PNG specification recommends (section 12.8). It does
 * what ImageIO's writer does, several times faster (that writer copies the image row by row),
 * and records the resolution so viewers show a 2x chart at its intended size.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngEncoder() {
    }

    /** The PNG bytes of {@code img}; {@code dpi} is recorded in the pHYs chunk. */
    static byte[] encode(BufferedImage img, int dpi) {
        int w = img.getWidth();
        int h = img.getHeight();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(w * h / 4);
            out.write(SIGNATURE);
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.writeByte(8);  // bit depth
            d.writeByte(2);  // colour type: truecolour
            d.writeByte(0);  // compression: deflate
            d.writeByte(0);  // filter method 0
            d.writeByte(0);  // no interlace
            chunk(out, "IHDR", ihdr.toByteArray());
            ByteArrayOutputStream phys = new ByteArrayOutputStream();
            d = new DataOutputStream(phys);
            int perMetre = (int) Math.round(dpi / 0.0254);
            d.writeInt(perMetre);
            d.writeInt(perMetre);
            d.writeByte(1); // unit: metre
            chunk(out, "pHYs", phys.toByteArray());

            ByteArrayOutputStream idat = new ByteArrayOutputStream(w * h / 8);
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
                int[] argb = new int[w];
                int[] pixels = img.getType() == BufferedImage.TYPE_INT_RGB
                        && img.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferInt db
                        && db.getNumBanks() == 1 && img.getRaster().getParent() == null
                        ? db.getData() : null;
                byte[] prev = new byte[w * 3];
                byte[] cur = new byte[w * 3];
                byte[][] filtered = {new byte[w * 3], new byte[w * 3], new byte[w * 3]};
                for (int y = 0; y < h; y++) {
                    if (pixels != null) {
                        System.arraycopy(pixels, y * w, argb, 0, w); // the raster itself: no colour conversion
                    } else {
                        img.getRGB(0, y, w, 1, argb, 0, w);
                    }
                    for (int x = 0; x < w; x++) {
                        int p = argb[x];
                        cur[3 * x] = (byte) (p >>> 16);
                        cur[3 * x + 1] = (byte) (p >>> 8);
                        cur[3 * x + 2] = (byte) p;
                    }
                    int best = 0;
                    long bestSum = Long.MAX_VALUE;
                    for (int f = 0; f < 3; f++) {
                        byte[] o = filtered[f];
                        long sum = 0;
                        for (int i = 0; i < cur.length; i++) {
                            int left = i >= 3 ? cur[i - 3] & 0xFF : 0;
                            int up = prev[i] & 0xFF;
                            int v = (cur[i] & 0xFF) - (f == 0 ? 0 : f == 1 ? left : up);
                            o[i] = (byte) v;
                            sum += Math.abs((byte) v);
                        }
                        if (sum < bestSum) {
                            bestSum = sum;
                            best = f;
                        }
                    }
                    z.write(best); // filter type: 0 None, 1 Sub, 2 Up
                    z.write(filtered[best]);
                    byte[] t = prev;
                    prev = cur;
                    cur = t;
                }
            } finally {
                deflater.end();
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
