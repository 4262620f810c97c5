package io.stacksim.workload.fio;

import io.stacksim.config.ConfigException;
import io.stacksim.config.Origin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads fio job files as fio's init.c (__parse_jobs_ini) and parse.c do:
 *
 * <ul>
 *   <li>{@code [name]} starts a section; {@code [global]} holds defaults for the jobs below it.</li>
 *   <li>Blank lines are skipped; a {@code ;} or {@code #} ends the line (strip_blank_end cuts
 *       at the first of either, even inside a value).</li>
 *   <li>{@code include FILE} reads FILE's lines into the current section. The name is resolved
 *       against the including file's directory, then the current directory. An included file
 *       may not start sections of its own.</li>
 *   <li>{@code ${VAR}} is replaced by the environment value (empty if unset, as
 *       option_dup_subs does); {@code $pagesize}, {@code $mb_memory} and {@code $ncpus} by the
 *       simulated machine's values, after which a line with {@code + - * /} is computed as
 *       {@code bc} would (fio_keyword_replace, bc_calc).</li>
 *   <li>{@code key=value}, or a bare {@code key} for options whose value may be left out.</li>
 * </ul>
 * An option name fio does not know is an error naming the file, line and the closest real name.
 */
public final class JobFileParser {
    /** Limit on nested includes (catches include loops). */
    private static final int MAX_INCLUDE_DEPTH = 16;

    /**
     * The machine values fio substitutes for its reserved keywords.
     *
     * @param pageSize bytes per page ($pagesize)
     * @param mbMemory MiB of memory ($mb_memory)
     * @param ncpus    online CPUs ($ncpus)
     */
    public record Keywords(long pageSize, long mbMemory, int ncpus) {
    }

    private final Function<String, String> env;
    private final Keywords keywords;
    private final Path cwd;

    /**
     * @param env      environment lookup for {@code ${VAR}} (null result = unset)
     * @param keywords the simulated machine's values
     * @param cwd      the directory an include falls back to
     */
    public JobFileParser(Function<String, String> env, Keywords keywords, Path cwd) {
        this.env = env;
        this.keywords = keywords;
        this.cwd = cwd;
    }

    /** Parses the job file at {@code file}. */
    public JobFile parse(Path file) {
        State st = new State();
        read(file, st, 0);
        st.close();
        return new JobFile(file.toString(), st.sections);
    }

    /** Parses job-file {@code text}; includes are resolved against {@code dir}. */
    public JobFile parse(String text, String source, Path dir) {
        State st = new State();
        lines(text.split("\n", -1), source, dir, st, 0);
        st.close();
        return new JobFile(source, st.sections);
    }

    private final class State {
        final List<JobFile.Section> sections = new ArrayList<>();
        String name;
        Origin origin;
        List<JobFile.Option> options;

        void start(String n, Origin o) {
            close();
            name = n;
            origin = o;
            options = new ArrayList<>();
        }

        void close() {
            if (name != null) {
                sections.add(new JobFile.Section(name, origin, options));
                name = null;
            }
        }
    }

    private void read(Path file, State st, int depth) {
        String text = io.stacksim.config.InputFiles.readText(file, "a fio job file");
        Path dir = file.toAbsolutePath().getParent();
        lines(text.split("\n", -1), file.toString(), dir, st, depth);
    }

    private void lines(String[] lines, String source, Path dir, State st, int depth) {
        for (int i = 0; i < lines.length; i++) {
            Origin origin = Origin.of(source, i + 1);
            String p = stripComment(lines[i]).strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("[")) {
                if (depth > 0) {
                    throw ConfigException.at(origin, "an included file may not start a section ('" + p + "')");
                }
                int end = p.indexOf(']');
                if (end < 0 || end == 1) {
                    throw ConfigException.at(origin, "expected a section header such as [job1]"
                            + (quotable(p) ? ", got '" + p + "'" : ""));
                }
                st.start(p.substring(1, end), origin);
                continue;
            }
            if (p.startsWith("include") && (p.length() == 7 || Character.isWhitespace(p.charAt(7)))) {
                String name = p.substring(7).strip();
                if (name.isEmpty()) {
                    throw ConfigException.at(origin, "include: expected a file name");
                }
                if (st.name == null) {
                    throw ConfigException.at(origin, "include outside of a [section]");
                }
                if (depth + 1 > MAX_INCLUDE_DEPTH) {
                    throw ConfigException.at(origin, "include nested more than " + MAX_INCLUDE_DEPTH + " deep (a loop?)");
                }
                try {
                    read(resolveInclude(name, dir, origin), st, depth + 1);
                } catch (ConfigException e) {
                    // named from the including line too: that is the line the user wrote
                    throw e.getMessage().startsWith(origin + ": ") ? e
                            : ConfigException.at(origin, "include " + name + ": " + e.getMessage());
                }
                continue;
            }
            if (st.name == null) {
                String optName = (p.indexOf('=') < 0 ? p : p.substring(0, p.indexOf('='))).strip();
                throw ConfigException.at(origin, quotable(optName)
                        ? "option '" + optName + "' outside of a [section]"
                        : "expected a [section] header or a fio option name=value before this line");
            }
            st.options.add(option(substitute(p, origin), origin));
        }
    }

    /** The included file: as given if absolute, else next to the including file, else in the cwd. */
    private Path resolveInclude(String name, Path dir, Origin origin) {
        Path given = Path.of(name);
        if (given.isAbsolute()) {
            if (Files.isRegularFile(given)) {
                return given;
            }
            throw ConfigException.at(origin, "include file '" + name + "' not found");
        }
        Path nextTo = dir == null ? given : dir.resolve(given);
        if (Files.isRegularFile(nextTo)) {
            return nextTo;
        }
        Path inCwd = cwd.resolve(given);
        if (Files.isRegularFile(inCwd)) {
            return inCwd;
        }
        throw ConfigException.at(origin, "include file '" + name + "' not found (looked in "
                + (dir == null ? "." : dir) + " and " + cwd + ")");
    }

    /**
     * True when a piece of a line may be quoted in an error: short and of the characters of
     * fio's option names and values. A line of some other file (an include of the wrong file)
     * is never echoed.
     */
    private static boolean quotable(String s) {
        return s.length() <= 40 && s.matches("[\\[\\]A-Za-z0-9_.:,=+%/ -]*") && !s.contains(" ");
    }

    /** strip_blank_end: the line ends at the first ';' or '#'. */
    static String stripComment(String line) {
        int cut = line.length();
        int semi = line.indexOf(';');
        if (semi >= 0) {
            cut = semi;
        }
        int hash = line.indexOf('#');
        if (hash >= 0 && hash < cut) {
            cut = hash;
        }
        return line.substring(0, cut);
    }

    private JobFile.Option option(String line, Origin origin) {
        int eq = line.indexOf('=');
        String key = (eq < 0 ? line : line.substring(0, eq)).strip();
        String value = eq < 0 ? null : line.substring(eq + 1).strip();
        FioOptions.Def def = FioOptions.lookup(key);
        if (def == null && !quotable(key)) {
            throw ConfigException.at(origin, "expected a fio option line name=value (names are letters, digits and _)");
        }
        if (def == null) {
            String best = FioOptions.suggestion(key);
            throw ConfigException.at(origin, "unknown fio option '" + key + "'"
                    + (best == null ? "" : "; did you mean '" + best + "'?"));
        }
        if (value == null && !def.valueOptional() && def.support() != FioOptions.Support.NOT_MODELLED
                && def.scope() == FioOptions.Scope.GLOBAL) {
            throw ConfigException.at(origin, "option '" + key + "' needs a value (" + key + "=...)");
        }
        return new JobFile.Option(key, value, origin);
    }

    /** ${VAR} (option_dup_subs), then the reserved keywords and bc-style math (fio_keyword_replace). */
    String substitute(String line, Origin origin) {
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            if (line.startsWith("${", i)) {
                int close = line.indexOf('}', i);
                if (close > i + 1) {
                    String v = env.apply(line.substring(i + 2, close));
                    if (v != null) {
                        out.append(v);
                    }
                    i = close + 1;
                    continue;
                }
            }
            out.append(line.charAt(i++));
        }
        String s = out.toString();
        String[][] words = {{"$pagesize", Long.toString(keywords.pageSize())},
            {"$mb_memory", Long.toString(keywords.mbMemory())}, {"$ncpus", Integer.toString(keywords.ncpus())}};
        boolean replaced = false;
        for (String[] w : words) {
            if (s.contains(w[0])) {
                s = s.replace(w[0], w[1]);
                replaced = true;
            }
        }
        int eq = s.indexOf('=');
        if (replaced && eq >= 0 && FioExpression.hasMath(s.substring(eq + 1))) {
            String expr = s.substring(eq + 1).strip();
            try {
                double v = FioExpression.evaluate(expr, FioExpression.Units.NONE, 1024, true);
                s = s.substring(0, eq + 1) + (long) v;
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(origin, "'" + s.substring(0, eq).strip() + "': " + e.getMessage());
            }
        }
        return s;
    }
}
