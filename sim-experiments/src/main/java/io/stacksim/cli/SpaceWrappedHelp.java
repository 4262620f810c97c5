package io.stacksim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli's usage help, wrapped at spaces only. picocli wraps with the JDK's line
 * BreakIterator, which also breaks after a dot or a slash inside a word, so a file name or a
 * config path could end one line and go on in the next ({@code summary.} / {@code csv},
 * {@code REAL.} / {@code json}); here a line breaks only between words, and the synopsis
 * never inside an option's {@code [...]}.
 */
final class SpaceWrappedHelp extends CommandLine.Help {
    SpaceWrappedHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout() {
        return spaceWrapped(super.createDefaultLayout());
    }

    @Override
    public Layout createDefaultLayout(List<CommandLine.Model.OptionSpec> options,
                                      List<CommandLine.Model.PositionalParamSpec> positionals, ColorScheme scheme) {
        return spaceWrapped(super.createDefaultLayout(options, positionals, scheme));
    }

    private Layout spaceWrapped(Layout d) {
        return new Layout(colorScheme(), new Table(colorScheme(), d.textTable()), d.optionRenderer(), d.parameterRenderer());
    }

    /** The subcommands' list, as picocli lays it out (name column, then the first line of each one's description). */
    @Override
    public String commandList(Map<String, CommandLine.Help> subcommands) {
        if (subcommands.isEmpty()) {
            return super.commandList(subcommands);
        }
        int len = 0;
        for (CommandLine.Help h : subcommands.values()) {
            len = Math.max(len, h.commandNamesText(", ").plainString().length());
        }
        int width = commandSpec().usageMessage().width();
        Table t = new Table(colorScheme(), TextTable.forColumns(colorScheme(), new Column(len + 2, 2, Column.Overflow.SPAN),
                new Column(width - (len + 2), 2, Column.Overflow.WRAP)));
        for (CommandLine.Help h : subcommands.values()) {
            CommandLine.Model.UsageMessageSpec u = h.commandSpec().usageMessage();
            String first = u.header().length > 0 ? u.header()[0] : u.description().length > 0 ? u.description()[0] : "";
            Text[] lines = colorScheme().text(String.format(first)).splitLines();
            for (int i = 0; i < lines.length; i++) {
                t.addRowValues(i == 0 ? h.commandNamesText(", ") : colorScheme().text(""), lines[i]);
            }
        }
        return t.toString();
    }

    /** The synopsis laid out on one long line, then wrapped at the spaces between its elements. */
    @Override
    public String synopsis(int synopsisHeadingLength) {
        CommandLine.Model.UsageMessageSpec u = commandSpec().usageMessage();
        int width = u.width();
        String line;
        try {
            u.width(10_000);
            line = super.synopsis(synopsisHeadingLength);
        } finally {
            u.width(width);
        }
        String body = line.stripTrailing();
        if (body.contains("\n") || body.length() + synopsisHeadingLength <= width) {
            return line;
        }
        // continuation lines start under the first option, after the heading and the command name
        int firstGap = body.indexOf(' ');
        int indent = synopsisHeadingLength + (firstGap < 0 ? 0 : firstGap + 1);
        if (body.startsWith(commandSpec().qualifiedName())) {
            indent = synopsisHeadingLength + commandSpec().qualifiedName().length() + 1;
        }
        StringBuilder out = new StringBuilder();
        int col = synopsisHeadingLength;
        for (String w : words(body)) {
            if (col > indent && col + 1 + w.length() > width) {
                out.append(System.lineSeparator()).append(" ".repeat(indent));
                col = indent;
            } else if (out.length() > 0) {
                out.append(' ');
                col++;
            }
            out.append(w);
            col += w.length();
        }
        return out.append(System.lineSeparator()).toString();
    }

    /** The synopsis's elements: split at spaces outside brackets. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ' ' && depth == 0) {
                if (i > start) {
                    out.add(s.substring(start, i));
                }
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** A text table whose wrapping columns break only at spaces. */
    static final class Table extends TextTable {
        private final ColorScheme scheme;

        Table(ColorScheme scheme, TextTable like) {
            super(scheme, copy(like.columns()));
            this.scheme = scheme;
            this.indentWrappedLines = like.indentWrappedLines;
        }

        private static Column[] copy(Column[] cs) {
            Column[] out = new Column[cs.length];
            for (int i = 0; i < cs.length; i++) {
                out[i] = new Column(cs[i].width, cs[i].indent, cs[i].overflow);
            }
            return out;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column c = columns()[col];
            if (value == null || c.overflow != Column.Overflow.WRAP) {
                return super.putValue(row, col, value);
            }
            String plain = value.plainString();
            if (plain.indexOf('\n') >= 0 || plain.length() + c.indent <= c.width) {
                return super.putValue(row, col, value);
            }
            // greedy, as picocli fills a line: each word with its trailing space must fit
            List<int[]> lines = new ArrayList<>();
            int lineStart = 0;
            int used = c.indent;
            int cap = c.width;
            int i = 0;
            while (i < plain.length()) {
                int end = plain.indexOf(' ', i);
                end = end < 0 ? plain.length() : end + 1;
                int len = end - i;
                if (used + len > cap && i > lineStart) {
                    lines.add(new int[] {lineStart, i});
                    lineStart = i;
                    used = c.indent + indentWrappedLines;
                }
                if (used + len > cap && i == lineStart) {
                    return super.putValue(row, col, value); // a word longer than the column: picocli cuts it
                }
                used += len;
                i = end;
            }
            lines.add(new int[] {lineStart, plain.length()});
            Cell cell = null;
            for (int k = 0; k < lines.size(); k++) {
                Text part = value.substring(lines.get(k)[0], lines.get(k)[1]);
                if (k > 0) {
                    if (row == rowCount() - 1) {
                        addEmptyRow();
                    }
                    row++;
                    part = scheme.text(" ".repeat(indentWrappedLines)).concat(part);
                }
                cell = super.putValue(row, col, part);
            }
            return cell;
        }
    }
}
