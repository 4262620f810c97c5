package io.stacksim.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * The one way user-given input files are opened: only regular files (a FIFO with no writer
 * would hang the reader, {@code /dev/zero} never ends, a directory is no input), a size limit
 * for files read whole (configs, job files, sweep files, DiskSim specs), a line-length limit for
 * streamed ones (traces), and text only: a NUL byte or invalid UTF-8 is refused without quoting
 * any of the file. Every refusal is a one-line {@link ConfigException} naming the file and what
 * was expected.
 */
public final class InputFiles {
    /** Largest file read whole: far above any real config, job file or DiskSim spec. */
    public static final long MAX_TEXT_BYTES = 16L << 20;
    /** Longest line of a streamed text file (a trace line is under 200 characters). */
    public static final int MAX_LINE_CHARS = 64 << 10;

    private InputFiles() {
    }

    /**
     * Checks that {@code file} is an existing, readable regular file (symbolic links followed)
     * and returns its size; {@code what} names the expected content ("a run config").
     */
    public static long requireRegularFile(Path file, String what) {
        if (file.toString().isBlank()) {
            throw new ConfigException("an empty file name (expected " + what + ")");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (expected " + what + ")");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file + ": permission denied (expected " + what + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + reason(e) + "; expected " + what + ")");
        }
        if (a.isDirectory()) {
            throw new ConfigException(file + ": is a directory (expected " + what + ")");
        }
        if (!a.isRegularFile()) {
            throw new ConfigException(file + ": is " + kindOf(file) + ", not a regular file (expected " + what + ")");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(file + ": permission denied (expected " + what + ")");
        }
        return a.size();
    }

    private static String kindOf(Path file) {
        try {
            Object mode = Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m) {
                switch (m & 0170000) {
                    case 0010000: return "a FIFO (named pipe)";
                    case 0020000: return "a character device";
                    case 0060000: return "a block device";
                    case 0140000: return "a socket";
                    default: break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view: say what we know
        }
        return "a special file";
    }

    /**
     * Reads a whole text file of at most {@link #MAX_TEXT_BYTES}; refuses anything that is not
     * a regular file of UTF-8 text.
     */
    public static String readText(Path file, String what) {
        return readText(file, what, MAX_TEXT_BYTES, StandardCharsets.UTF_8);
    }

    /** As {@link #readText(Path, String)} with a size limit and a charset (ISO-8859-1 for DiskSim's files). */
    public static String readText(Path file, String what, long maxBytes, java.nio.charset.Charset charset) {
        long size = requireRegularFile(file, what);
        if (size > maxBytes) {
            throw new ConfigException(file + ": " + mib(size) + ", larger than the " + mib(maxBytes)
                    + " " + what + " may be");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) maxBytes + 1);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + reason(e) + ")");
        }
        if (bytes.length > maxBytes) {
            throw new ConfigException(file + ": larger than the " + mib(maxBytes) + " " + what + " may be");
        }
        String text = decode(bytes, file, what, charset);
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    throw new ConfigException(file + ":" + line + ": line longer than " + MAX_LINE_CHARS
                            + " characters (expected " + what + ")");
                }
                line++;
                start = i + 1;
            }
        }
        return text;
    }

    private static String decode(byte[] bytes, Path file, String what, java.nio.charset.Charset charset) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw notText(file, what, lineAt(bytes, i));
            }
        }
        CharsetDecoder d = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer cb = d.decode(ByteBuffer.wrap(bytes));
            String s = cb.toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw notText(file, what, 0);
        }
    }

    private static int lineAt(byte[] bytes, int end) {
        int line = 1;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static ConfigException notText(Path file, String what, int line) {
        return new ConfigException(file + (line > 0 ? ":" + line : "") + ": binary data, not a text file (expected "
                + what + ")");
    }

    /**
     * Opens a text file to stream line by line, each line at most {@link #MAX_LINE_CHARS}
     * characters; refuses a file that is not regular or not text.
     */
    public static Lines openLines(Path file, String what) {
        requireRegularFile(file, what);
        try {
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new Lines(file.toString(), what, new InputStreamReader(Files.newInputStream(file), d));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + reason(e) + ")");
        }
    }

    /** A bounded line reader (a name for errors, the expected content). */
    public static Lines lines(String name, String what, Reader reader) {
        return new Lines(name, what, reader);
    }

    /**
     * Reads lines of at most {@link #MAX_LINE_CHARS} characters; a longer line, a NUL or
     * undecodable bytes end the reading with a one-line error naming the file and line.
     */
    public static final class Lines implements AutoCloseable {
        private final String name;
        private final String what;
        private final BufferedReader in;
        private final StringBuilder sb = new StringBuilder(128);
        private int lineNo;

        private Lines(String name, String what, Reader in) {
            this.name = name;
            this.what = what;
            this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        }

        /** The next line without its end, or null at the end of the file. */
        public String readLine() {
            sb.setLength(0);
            try {
                int c;
                boolean any = false;
                while ((c = in.read()) >= 0) {
                    any = true;
                    if (c == '\n') {
                        break;
                    }
                    if (c == 0) {
                        throw new ConfigException(name + ":" + (lineNo + 1) + ": binary data, not a text file (expected "
                                + what + ")");
                    }
                    if (sb.length() >= MAX_LINE_CHARS) {
                        throw new ConfigException(name + ":" + (lineNo + 1) + ": line longer than "
                                + MAX_LINE_CHARS + " characters (expected " + what + ")");
                    }
                    sb.append((char) c);
                }
                if (!any) {
                    return null;
                }
            } catch (CharacterCodingException e) {
                throw new ConfigException(name + ":" + (lineNo + 1) + ": binary data, not UTF-8 text (expected "
                        + what + ")");
            } catch (IOException e) {
                throw new ConfigException(name + ":" + (lineNo + 1) + ": cannot read (" + reason(e) + ")");
            }
            lineNo++;
            int n = sb.length();
            if (n > 0 && sb.charAt(n - 1) == '\r') {
                sb.setLength(n - 1);
            }
            if (lineNo == 1 && sb.length() > 0 && sb.charAt(0) == '\uFEFF') {
                sb.deleteCharAt(0);
            }
            return sb.toString();
        }

        /** Lines read so far. */
        public int lineNumber() {
            return lineNo;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // closing a file we only read
            }
        }
    }

    /** The reason of an I/O error, without Java's exception class names. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(Locale.ROOT);
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 20) && bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB"
                : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
