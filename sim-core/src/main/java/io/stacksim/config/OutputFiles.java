package io.stacksim.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The checks every output path passes before anything is simulated or written: a file's
 * folder must be (or become) a folder, the file itself a regular file or absent, a folder a
 * folder. A bad output path is then a one-line {@link ConfigException} naming the option and
 * the path, never an exception from deep inside a writer after minutes of simulation.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Checks that {@code file} can be written by {@code option} (e.g. "--blktrace"): not a
     * directory, not a device or FIFO, its folder creatable; creates that folder.
     */
    public static Path file(Path file, String option) {
        requireName(file, option, "a file name");
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new ConfigException(option + " " + file + ": is a directory; expected a file name");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs)) {
            throw new ConfigException(option + " " + file + ": not a regular file; expected a file name to write");
        }
        Path dir = abs.getParent();
        if (dir != null) {
            checkFolder(dir, option);
        }
        return abs;
    }

    /**
     * Checks, without creating anything, that {@code dir} is a folder or could be made one: the
     * nearest existing path on the way to it is a writable folder.
     */
    public static Path checkFolder(Path dir, String option) {
        requireName(dir, option, "a folder");
        Path abs = dir.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new ConfigException(option + " " + dir + ": " + (p.equals(abs) ? "" : p + " ")
                            + "is " + (Files.isRegularFile(p) ? "a file" : "not a folder") + "; expected a folder");
                }
                if (!Files.isWritable(p) || p.startsWith("/proc") || p.startsWith("/sys")) {
                    throw new ConfigException(option + " " + dir + ": the folder " + p + " is not writable");
                }
                break;
            }
        }
        return abs;
    }

    /** Creates the folder {@code dir} (and its parents) for {@code option}, or says in one line why it cannot be. */
    public static Path folder(Path dir, String option) {
        Path abs = checkFolder(dir, option);
        try {
            Files.createDirectories(abs);
        } catch (FileAlreadyExistsException e) {
            throw new ConfigException(option + ": " + e.getFile() + " exists and is not a folder");
        } catch (IOException | SecurityException e) {
            throw new ConfigException(option + ": cannot create the folder " + abs + " ("
                    + (e instanceof IOException io ? InputFiles.reason(io) : "not permitted") + ")");
        }
        if (!Files.isWritable(abs)) {
            throw new ConfigException(option + ": the folder " + abs + " is not writable");
        }
        return abs;
    }

    /**
     * Refuses an output file that is one of the command's inputs ({@code --blktrace run.yaml},
     * {@code --output job.fio}): writing it would destroy the input the run was read from.
     * Inputs that do not exist (yet) or cannot be compared are skipped; their own checks follow.
     */
    public static void notAnInput(Path out, String option, java.util.Collection<Path> inputs) {
        if (out == null || !Files.exists(out)) {
            return;
        }
        for (Path in : inputs) {
            try {
                if (in != null && Files.exists(in) && Files.isSameFile(out, in)) {
                    throw new ConfigException(option + " " + out + ": is an input of this command (" + in
                            + "); expected a new file name for the output");
                }
            } catch (IOException | SecurityException e) {
                // not comparable: the input's own reading says what is wrong with it
            }
        }
    }

    /** An empty path (--out=) would mean the current folder by accident: it is refused. */
    private static void requireName(Path p, String option, String expected) {
        if (p.toString().isBlank()) {
            throw new ConfigException(option + ": an empty path; expected " + expected);
        }
    }

    /** One line for an I/O error while writing {@code what} (the option and path). */
    public static ConfigException writeError(String what, IOException e) {
        return new ConfigException(what + ": cannot write (" + InputFiles.reason(e) + ")");
    }
}
