package io.stacksim.devices.dma;

/**
 * The physical layer of a host link and what it leaves for data: raw signalling rate per lane,
 * line encoding, and the per-packet framing that every payload chunk carries.
 *
 * <p>Effective data bandwidth = lanes x transfers/s x encoding efficiency / 8 x
 * payload / (payload + framing). Examples:
 * <ul>
 *   <li>SATA 3.x: 6 Gb/s, 8b/10b = 600 MB/s of symbols; a Data FIS carries up to 8192 B
 *       (SATA 3.3 s10.5.10) framed by SOF, FIS type, CRC and EOF primitives plus the
 *       X_RDY/R_RDY/R_IP/R_OK handshake, and ALIGN pairs every 256 Dwords.</li>
 *   <li>PCIe gen3/4/5: 8/16/32 GT/s per lane, 128b/130b (PCIe 3.0 s4.2.2); a TLP carries up to
 *       Max_Payload_Size (256 B on most hosts) plus 12-16 B header, 2 B sequence number,
 *       4 B LCRC and 2 B framing (PCIe 3.0 s2.2, s3.5, s4.2.2.3).</li>
 * </ul>
 *
 * @param name               e.g. "PCIe 4.0 x4"
 * @param transfersPerSecond per lane, symbols/s (6e9 for SATA 3, 16e9 for PCIe gen4)
 * @param lanes              lanes per direction
 * @param encodingEfficiency 0.8 for 8b/10b, 128/130 for 128b/130b
 * @param maxPayload         data bytes per packet (TLP Max_Payload_Size, or the FIS limit)
 * @param framingBytes       bytes of headers, CRC and framing per packet
 * @param fullDuplex         true for PCIe (each direction has its own lanes); SATA is half duplex
 */
public record LinkSpec(String name, double transfersPerSecond, int lanes, double encodingEfficiency,
                       int maxPayload, int framingBytes, boolean fullDuplex) {

    public LinkSpec {
        if (transfersPerSecond <= 0 || lanes < 1 || encodingEfficiency <= 0 || encodingEfficiency > 1
                || maxPayload < 1 || framingBytes < 0) {
            throw new IllegalArgumentException("impossible link: " + name);
        }
    }

    /** 8b/10b line code. */
    public static final double ENC_8B10B = 8.0 / 10.0;
    /** 128b/130b line code (PCIe 3.0 and later). */
    public static final double ENC_128B130B = 128.0 / 130.0;

    /**
     * SATA revision 3.x (6 Gb/s): 8b/10b; Data FIS up to 8192 B; 40 B of framing per FIS
     * (SOF, FIS type Dword, CRC, EOF = 16 B, plus ~6 Dwords of X_RDY/R_RDY/R_IP/R_OK
     * handshake [est]) and ALIGN pairs every 256 Dwords (8 B per 1 KiB, folded in: 64 B per FIS).
     */
    public static LinkSpec sata3() {
        return new LinkSpec("SATA 6Gb/s", 6e9, 1, ENC_8B10B, 8192, 40 + 64, false);
    }

    /**
     * PCIe generation {@code gen} (1-5) with {@code lanes} lanes and the given Max_Payload_Size.
     * Gen1/2 use 8b/10b (2.5 / 5 GT/s), gen3+ 128b/130b (8 / 16 / 32 GT/s). Framing per TLP:
     * 16 B header (4DW, 64-bit addressing) + 2 B sequence + 4 B LCRC + 2 B STP/END framing = 24 B.
     */
    public static LinkSpec pcie(int gen, int lanes, int maxPayload) {
        double gt = switch (gen) {
            case 1 -> 2.5e9;
            case 2 -> 5e9;
            case 3 -> 8e9;
            case 4 -> 16e9;
            case 5 -> 32e9;
            default -> throw new IllegalArgumentException("PCIe generation must be 1-5, got " + gen);
        };
        if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8 && lanes != 16) {
            throw new IllegalArgumentException("PCIe lanes must be 1, 2, 4, 8 or 16, got " + lanes);
        }
        if (Integer.bitCount(maxPayload) != 1 || maxPayload < 128 || maxPayload > 4096) {
            throw new IllegalArgumentException("PCIe Max_Payload_Size must be 128-4096 B, a power of two");
        }
        return new LinkSpec("PCIe " + gen + ".0 x" + lanes, gt, lanes, gen <= 2 ? ENC_8B10B : ENC_128B130B,
                maxPayload, 24, true);
    }

    /**
     * PCIe generation {@code gen}'s encoding and framing with a per-lane rate of
     * {@code laneBytesPerSecond} after line encoding (MQSim's PCIe_Lane_Bandwidth; 0.985 GB/s for
     * gen3, 1.969 GB/s for gen4): a link slower or faster than its generation's nominal rate.
     */
    public static LinkSpec pcie(int gen, int lanes, int maxPayload, double laneBytesPerSecond) {
        LinkSpec nominal = pcie(gen, lanes, maxPayload);
        if (!(laneBytesPerSecond > 0)) {
            throw new IllegalArgumentException("PCIe lane bandwidth must be positive");
        }
        double gt = laneBytesPerSecond * 8 / nominal.encodingEfficiency();
        return new LinkSpec(String.format(java.util.Locale.ROOT, "PCIe %d.0 x%d at %.3f GB/s per lane", gen, lanes,
                laneBytesPerSecond / 1e9), gt, lanes, nominal.encodingEfficiency(), maxPayload, nominal.framingBytes(), true);
    }

    /** Bytes per second on the wire after line encoding, per direction (before packet framing). */
    public double encodedBytesPerSecond() {
        return transfersPerSecond * lanes * encodingEfficiency / 8;
    }

    /** Sustained payload bytes per second per direction: encoding and packet framing taken off. */
    public double dataBytesPerSecond() {
        return encodedBytesPerSecond() * maxPayload / (maxPayload + (double) framingBytes);
    }

    /** Bytes that cross the wire to carry {@code payload} bytes (payload plus per-packet framing). */
    public long wireBytes(long payload) {
        long packets = payload == 0 ? 0 : (payload + maxPayload - 1) / maxPayload;
        return payload + packets * framingBytes;
    }
}
