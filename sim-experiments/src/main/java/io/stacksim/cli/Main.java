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
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("stacksim: " + ex.getMessage().split("\n")[0]
                    + " (see: stacksim " + commandPath(ex.getCommandLine()) + "--help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                err.println("stacksim: " + ex.getMessage());
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
        return cl.execute(args);
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
