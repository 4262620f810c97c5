package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.report.Version;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code stacksim} command. Bad input (a config, a flag, a trace) prints one line naming
 * the file, line and what was expected, and exits 2; never a stack trace.
 */
@Command(name = "stacksim", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "A discrete-event simulator of the Linux storage I/O stack.",
        subcommands = {RunCommand.class, ReplayCommand.class, FioCommand.class, ValidateCommand.class,
                ProfilesCommand.class, MultiplexCommand.class, SweepCommand.class, MergeCommand.class,
                ExperimentCommand.class, ConfigReferenceCommand.class, CalibrateCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setHelpFactory(SpaceWrappedHelp::new); // every subcommand's help too (they are all registered by now)
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("stacksim: " + ex.getMessage().split("\n")[0]
                    + " (see: stacksim " + commandPath(ex.getCommandLine()) + "--help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ConfigException bad = find(ex, ConfigException.class);
            if (bad != null) {
                err.println("stacksim: " + oneLine(bad.getMessage()));
                return BAD_INPUT;
            }
            java.io.IOException io = find(ex, java.io.IOException.class);
            if (io != null) {
                String file = io instanceof java.nio.file.FileSystemException fse && fse.getFile() != null
                        ? fse.getFile() + ": " : "";
                err.println("stacksim: " + file + "I/O error (" + io.getClass().getSimpleName().replace("Exception", "")
                        + ": " + oneLine(io instanceof java.nio.file.FileSystemException fse2 && fse2.getReason() != null
                        ? fse2.getReason() : String.valueOf(io.getMessage())) + ")");
                return BAD_INPUT;
            }
            String resource = resourceError(ex);
            if (resource != null) {
                err.println(resource);
                return BAD_INPUT;
            }
            err.println("stacksim: internal error: " + ex);
            if (System.getenv("STACKSIM_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("stacksim: set STACKSIM_DEBUG=1 for the stack trace, and please report it");
            }
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            err.println(resourceError(e));
            return BAD_INPUT;
        }
    }

    /** The first throwable of class {@code c} in {@code t}'s cause chain (wrapped by a worker thread), or null. */
    private static <T extends Throwable> T find(Throwable t, Class<T> c) {
        for (int i = 0; t != null && i < 16; t = t.getCause(), i++) {
            if (c.isInstance(t)) {
                return c.cast(t);
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "bad input";
        }
        // a bad input is one line: a newline or other control character inside it (a path such as
        // --out $'a\nb', a name read from a file) is shown escaped, not cut off or passed through
        StringBuilder b = new StringBuilder();
        String t = s.strip();
        for (int i = 0; i < t.length() && b.length() <= 400; i++) {
            char c = t.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append(' ');
            } else if (Character.isISOControl(c)) {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        String first = b.toString();
        return first.length() > 400 ? first.substring(0, 400) + "..." : first;
    }

    /**
     * The one-line message for a run that outgrew the JVM: the heap it had and how to give it
     * more, or the stack an input nested too deeply for. Null for any other failure.
     */
    static String resourceError(Throwable ex) {
        if (find(ex, OutOfMemoryError.class) != null) {
            long max = Runtime.getRuntime().maxMemory() >> 20;
            return "stacksim: out of memory: the simulation needs more than the Java heap of " + max
                    + " MiB; give it more with STACKSIM_JAVA_OPTS=-Xmx" + Math.max(2, (max * 2 + 1023) / 1024)
                    + "g (the launcher's default is half of the machine's memory), or simulate fewer I/Os,"
                    + " a smaller device or fewer jobs";
        }
        if (find(ex, StackOverflowError.class) != null) {
            return "stacksim: an input is nested too deeply to read (stack overflow); expected nesting of a few"
                    + " levels";
        }
        return null;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    /** Prints the build's version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"stacksim " + Version.get()};
        }
    }
}
