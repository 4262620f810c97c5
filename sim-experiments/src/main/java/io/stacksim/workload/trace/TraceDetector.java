package io.stacksim.workload.trace;

import io.stacksim.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Tells a trace's format from its first bytes ({@code --trace-format auto}): the blktrace magic,
 * or the shape of the first data line of each text format. A file none of them fits is refused,
 * naming the formats {@code --trace-format} takes; nothing of its content is echoed.
 */
public final class TraceDetector {
    private static final int SNIFF = 8192;
    private static final Pattern BLKPARSE = Pattern.compile("\\s*\\d+,\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d+\\s+\\d+\\s+\\S+.*");
    private static final Pattern MSR = Pattern.compile("\\d+,[^,]*,\\d+,(Read|Write|read|write|R|W|r|w),\\d+,\\d+(,\\d+)?\\s*");
    private static final Pattern DISKSIM = Pattern.compile("\\s*[0-9.eE+-]+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s*");
    private static final Pattern CSV = Pattern.compile("\\s*\\d+\\s*,\\s*(R|W|WS|D|F)\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*");

    private TraceDetector() {
    }

    /** The name of {@code path}'s format in {@link TraceFormats}. */
    public static String detect(Path path) {
        if (Files.isDirectory(path)) {
            if (!BlktraceReader.perCpuFiles(path).isEmpty()) {
                return BlktraceReader.FORMAT.name();
            }
            throw new ConfigException(path + ": is a folder; expected a trace file, or a folder of blktrace per-CPU files "
                    + "(DEV.blktrace.N)");
        }
        io.stacksim.config.InputFiles.requireRegularFile(path, "a block trace"); // a FIFO would never end
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(SNIFF);
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read: " + e.getMessage());
        }
        if (head.length == 0) {
            throw new ConfigException(path + ": the trace is empty; expected at least one I/O");
        }
        if (BlktraceReader.looksBinary(head)) {
            return BlktraceReader.FORMAT.name();
        }
        for (byte b : head) {
            if (b == 0) {
                throw unknown(path, "it is binary but has no blktrace magic");
            }
        }
        String text = new String(head, StandardCharsets.UTF_8);
        String[] lines = text.split("\r?\n", -1);
        int usable = head.length == SNIFF ? lines.length - 1 : lines.length; // the last may be cut short
        for (int i = 0; i < usable; i++) {
            String l = lines[i];
            if (l.isBlank() || l.trim().startsWith("#")) {
                continue;
            }
            if (i == 0 && l.trim().toLowerCase(java.util.Locale.ROOT).startsWith("time") && l.contains(",")) {
                return CsvTraceReader.FORMAT.name(); // the CSV header line
            }
            if (BLKPARSE.matcher(l).matches()) {
                return BlkparseReader.FORMAT.name();
            }
            if (MSR.matcher(l).matches()) {
                return MsrReader.FORMAT.name();
            }
            if (CSV.matcher(l).matches()) {
                return CsvTraceReader.FORMAT.name();
            }
            if (DISKSIM.matcher(l).matches()) {
                return DiskSimReader.FORMAT.name();
            }
            throw unknown(path, "line " + (i + 1) + " fits none of them");
        }
        throw unknown(path, "it has no data line in its first " + SNIFF + " bytes");
    }

    private static ConfigException unknown(Path path, String why) {
        return new ConfigException(path + ": cannot tell the trace format (" + why + "); name it with --trace-format "
                + String.join(", ", TraceFormats.names()));
    }
}
