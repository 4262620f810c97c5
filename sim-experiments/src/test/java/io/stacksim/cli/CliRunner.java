package io.stacksim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process for tests of other packages. */
public final class CliRunner {
    private CliRunner() {
    }

    /** Exit code, stdout and stderr of one invocation. */
    public record Outcome(int code, String out, String err) {
    }

    public static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }
}
