package io.stacksim.workload.fio;

import io.stacksim.config.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed fio job file: its sections in file order, each with its options as written (after
 * include files, {@code ${VAR}} expansion and the reserved keywords were applied). A
 * {@code [global]} section sets defaults for the job sections below it, as fio does.
 *
 * @param source   the file name the job file was read from
 * @param sections the sections, {@code [global]} ones included, in file order
 */
public record JobFile(String source, List<Section> sections) {

    /** The name fio gives the defaults section. */
    public static final String GLOBAL = "global";

    public JobFile {
        sections = List.copyOf(sections);
    }

    /**
     * One {@code [name]} section.
     *
     * @param name    the name in brackets
     * @param origin  file and line of the header
     * @param options the section's options in file order (included lines in place)
     */
    public record Section(String name, Origin origin, List<Option> options) {
        public Section {
            options = List.copyOf(options);
        }

        public boolean isGlobal() {
            return name.equals(GLOBAL);
        }
    }

    /**
     * One {@code key=value} or bare {@code key} line.
     *
     * @param key    the option name as written (an alias stays an alias)
     * @param value  the value after substitutions, or null when the line has no '='
     * @param origin file and line
     */
    public record Option(String key, String value, Origin origin) {
        /** The line as fio would print it back. */
        public String text() {
            return value == null ? key : key + "=" + value;
        }
    }

    /**
     * The job file as text fio reads back to the same sections and options (includes already
     * inlined, substitutions already made, comments gone).
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Section s : sections) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append('[').append(s.name()).append("]\n");
            for (Option o : s.options()) {
                sb.append(o.text()).append('\n');
            }
        }
        return sb.toString();
    }

    /** The job sections (not [global]), in file order. */
    public List<Section> jobs() {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) {
            if (!s.isGlobal()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The options a job starts with: every [global] section above it, in order, then its own.
     * Later lines win when an option appears twice, as fio applies them in order.
     */
    public List<Option> effectiveOptions(Section job) {
        List<Option> out = new ArrayList<>();
        for (Section s : sections) {
            if (s == job) {
                out.addAll(s.options());
                return out;
            }
            if (s.isGlobal()) {
                out.addAll(s.options());
            }
        }
        throw new IllegalArgumentException("section " + job.name() + " is not in " + source);
    }

    /**
     * The options of the [global] sections after the last job, which no job of this file takes
     * (fio still parses each when it reads it, so a bad value there is an error).
     */
    public List<Option> trailingGlobalOptions() {
        List<Option> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.isGlobal()) {
                out.addAll(s.options());
            } else {
                out.clear();
            }
        }
        return out;
    }

    /** Every [global] option of the file, in order (fio's "global options" block). */
    public List<Option> globalOptions() {
        List<Option> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.isGlobal()) {
                out.addAll(s.options());
            }
        }
        return out;
    }
}
