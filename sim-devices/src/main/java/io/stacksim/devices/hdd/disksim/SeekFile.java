package io.stacksim.devices.hdd.disksim;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.hdd.SeekCurve;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * DiskSim's extracted seek curve file (".seek", manual App. B.5.3): a line
 * {@code Seek distances measured: N} followed by N lines {@code distance, time-in-ms}.
 */
public final class SeekFile {
    private SeekFile() {
    }

    /** Reads the table; errors name the file and line. */
    public static SeekCurve.Table read(Path file) {
        List<String> lines = io.stacksim.config.InputFiles.readText(file, "a DiskSim seek curve file",
                io.stacksim.config.InputFiles.MAX_TEXT_BYTES, StandardCharsets.ISO_8859_1).lines().toList();
        int i = 0;
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        if (i == lines.size()) {
            throw new ConfigException(file + ": empty seek curve file");
        }
        String head = lines.get(i).trim();
        String prefix = "Seek distances measured:";
        if (!head.startsWith(prefix)) {
            throw new ConfigException(file + ":" + (i + 1) + ": expected '" + prefix + " N'");
        }
        int n;
        try {
            n = Integer.parseInt(head.substring(prefix.length()).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(file + ":" + (i + 1) + ": expected a count after '" + prefix + "'");
        }
        if (n < 1) {
            throw new ConfigException(file + ":" + (i + 1) + ": the seek curve needs at least one point");
        }
        int[] d = new int[n];
        long[] t = new long[n];
        int k = 0;
        for (i++; i < lines.size() && k < n; i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("[,\\s]+");
            if (parts.length != 2) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected 'distance, time'");
            }
            try {
                d[k] = Integer.parseInt(parts[0]);
                double ms = Double.parseDouble(parts[1]);
                if (!Double.isFinite(ms) || ms > 1e6) {
                    throw new ConfigException(file + ":" + (i + 1) + ": expected 'distance, time' with a time in ms"
                            + " from 0 to 1e6, got '" + parts[1] + "'");
                }
                t[k] = Math.round(ms * 1e6);
            } catch (NumberFormatException e) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected 'distance, time', got '" + line + "'");
            }
            if (d[k] <= 0 || (k > 0 && d[k] <= d[k - 1]) || t[k] < 0) {
                throw new ConfigException(file + ":" + (i + 1) + ": distances must increase and times be non-negative");
            }
            k++;
        }
        if (k != n) {
            throw new ConfigException(file + ": " + n + " seek distances announced, " + k + " found");
        }
        return new SeekCurve.Table(d, t);
    }
}
