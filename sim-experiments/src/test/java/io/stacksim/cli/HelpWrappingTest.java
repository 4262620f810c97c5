package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Usage help breaks lines between words only: never inside a file name, a path or an option's [...]. */
class HelpWrappingTest {
    private static String help(String... command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = Arrays.copyOf(command, command.length + 1);
        args[command.length] = "--help";
        Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(err.toString()).isEmpty(); // no picocli warning either
        return out.toString();
    }

    @Test
    void fileNamesAndOptionsStayWhole() {
        assertThat(help().replaceAll("\\s+", " ")).contains("runs.csv, summary.csv, charts and report.html")
                .contains("charts and report.html, as if it had run on one machine");
        assertThat(help("fio")).contains("[--compare=REAL.json]", "[--output-format=FORMAT[,FORMAT...]]...");
    }

    @Test
    void everyCommandsHelpFitsEightyColumnsWithoutSplitWords() {
        for (List<String> c : List.of(List.<String>of(), List.of("run"), List.of("replay"), List.of("fio"), List.of("validate"),
                List.of("validate", "disksim"), List.of("profiles"), List.of("sweep"), List.of("merge"), List.of("experiment"),
                List.of("calibrate"), List.of("config-reference"), List.of("multiplex"))) {
            String[] lines = help(c.toArray(String[]::new)).split("\n");
            for (int i = 0; i < lines.length; i++) {
                assertThat(lines[i].length()).as("%s: %s", c, lines[i]).isLessThanOrEqualTo(80);
                if (i + 1 < lines.length && !lines[i].isBlank()) {
                    String next = lines[i + 1].stripLeading();
                    boolean continuation = lines[i + 1].length() - next.length() > 4;
                    // a line ending in a dot or slash that the next, indented, goes on from in lower case split a word
                    assertThat(continuation && lines[i].matches(".*[a-z][./]$") && next.matches("^[a-z].*"))
                            .as("%s: split word at %s / %s", c, lines[i], next).isFalse();
                }
            }
        }
    }
}
