package io.stacksim.config;

/**
 * Bad user input (a config, a job file, a trace, a flag): the message is one line that names
 * the file and line (or the option) and what was expected. The CLI prints it and exits 2.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "file:line: message", or "message" when the place is unknown. */
    public static ConfigException at(Origin origin, String message) {
        return new ConfigException(origin == null ? message : origin + ": " + message);
    }
}
