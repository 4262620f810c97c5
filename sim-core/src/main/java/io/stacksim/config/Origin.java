package io.stacksim.config;

/**
 * Where a configuration value came from: a file and line, or a command-line flag.
 *
 * @param source file name, or a flag such as {@code --set}
 * @param line   1-based line, or 0 when not from a file
 */
public record Origin(String source, int line) {

    public static Origin of(String source, int line) {
        return new Origin(source, line);
    }

    public static Origin flag(String flag) {
        return new Origin(flag, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line : source;
    }
}
