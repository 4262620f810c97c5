package io.stacksim.devices.hdd.disksim;

import io.stacksim.config.ConfigException;
import io.stacksim.config.Origin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed DiskSim parameter file (the libparam syntax of .parv, .diskspecs and .model files,
 * DiskSim 4.0 manual §3): blocks {@code type name { Name = value, ... }} whose values are numbers,
 * words, lists {@code [ ... ]}, nested blocks {@code type { ... }} or {@code source file};
 * top-level {@code source file} includes, {@code instantiate [ names ] as type} and the
 * {@code topology} tree. Every element remembers its file and line for error messages.
 */
public final class ParamFile {
    /** A value: a scalar word or number, a list, or a block. */
    public sealed interface Value permits Scalar, ListValue, Block {
        Origin origin();
    }

    /** A word or number as written. */
    public record Scalar(String text, Origin origin) implements Value {
        /** The value as a number; errors name the parameter. */
        public double number(String param) {
            double d;
            try {
                d = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw ConfigException.at(origin, "'" + param + "': expected a number, got '" + text + "'");
            }
            if (!Double.isFinite(d)) {
                throw ConfigException.at(origin, "'" + param + "': expected a finite number, got '" + text + "'");
            }
            return d;
        }

        /** The value as an integer; errors name the parameter. */
        public long integer(String param) {
            try {
                String t = text.toLowerCase(Locale.ROOT);
                return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(text);
            } catch (NumberFormatException e) {
                double d = number(param);
                if (d == Math.rint(d)) {
                    return (long) d;
                }
                throw ConfigException.at(origin, "'" + param + "': expected an integer, got '" + text + "'");
            }
        }
    }

    /** {@code [ v, v, ... ]}. */
    public record ListValue(List<Value> items, Origin origin) implements Value {
    }

    /** {@code type name { params }}; {@code name} is empty for a nested block. */
    public record Block(String type, String name, List<Param> params, Origin origin) implements Value {
        /** The parameter called {@code name} (whitespace-insensitive), or null. */
        public Param param(String name) {
            String key = normalise(name);
            for (Param p : params) {
                if (p.key().equals(key)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** {@code Name = value}. */
    /**
     * {@code Name = value}.
     *
     * @param key the name with whitespace collapsed and lower-cased, for matching
     */
    public record Param(String name, String key, Value value, Origin origin) {
        public Param(String name, Value value, Origin origin) {
            this(name, normalise(name), value, origin);
        }
    }

    /** {@code instantiate [ names ] as type}. */
    public record Instantiation(List<String> names, String type, Origin origin) {
    }

    /** A node of the {@code topology} tree: a component type, its instance name and children. */
    public record TopoNode(String type, String name, List<TopoNode> children, Origin origin) {
    }

    private final List<Block> blocks = new ArrayList<>();
    private final List<Instantiation> instantiations = new ArrayList<>();
    private final List<TopoNode> topology = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ParamFile() {
    }

    /** Parses {@code file} and everything it sources. */
    public static ParamFile parse(Path file) {
        ParamFile pf = new ParamFile();
        pf.parseFile(file, 0);
        return pf;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public List<Instantiation> instantiations() {
        return instantiations;
    }

    public List<TopoNode> topology() {
        return topology;
    }

    /** What was read but ignored, as DiskSim warns of it (a block defined again), each with its file:line. */
    public List<String> notes() {
        return notes;
    }

    /** Every file read, the top-level one first. */
    public List<Path> files() {
        return files;
    }

    /** The block named {@code name}, or null. */
    public Block block(String name) {
        for (Block b : blocks) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Trimmed, runs of whitespace as one space, lower case (without a regex: it runs for every parameter lookup). */
    static String normalise(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean space = false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isWhitespace(ch)) {
                space = sb.length() > 0;
            } else {
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(ch);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private void parseFile(Path file, int depth) {
        if (depth > 16) {
            throw new ConfigException(file + ": 'source' nested too deeply");
        }
        String text = io.stacksim.config.InputFiles.readText(file, "a DiskSim parameter file",
                io.stacksim.config.InputFiles.MAX_TEXT_BYTES, StandardCharsets.ISO_8859_1);
        files.add(file);
        Lexer lx = new Lexer(text, file);
        while (lx.peek() != null) {
            Token t = lx.next();
            if (!t.isWord()) {
                throw lx.error(t, "expected a block, 'source', 'instantiate' or 'topology'"
                        + (t.text.length() <= 40 && t.text.matches("[A-Za-z0-9_]+") ? ", got '" + t.text + "'" : ""));
            }
            switch (t.text) {
                case "source" -> {
                    Token f = lx.word("a file name after 'source'");
                    parseFile(sourced(lx, f, file), depth + 1);
                }
                case "instantiate" -> {
                    lx.expect("[");
                    List<String> names = new ArrayList<>();
                    while (!lx.peekIs("]")) {
                        Token n = lx.next();
                        if (n == null) {
                            throw new ConfigException(file + ": unexpected end of file, expected ']' after the instance names");
                        }
                        if (n.text.equals(",")) {
                            continue;
                        }
                        if (!n.isWord()) {
                            throw lx.error(n, "expected an instance name");
                        }
                        names.add(n.text);
                    }
                    lx.expect("]");
                    Token as = lx.word("'as'");
                    if (!as.text.equals("as")) {
                        throw lx.error(as, "expected 'as'");
                    }
                    Token type = lx.word("a component name after 'as'");
                    instantiations.add(new Instantiation(expandRanges(names, lx, t), type.text, lx.origin(t)));
                }
                case "topology" -> topology.add(parseTopo(lx));
                default -> {
                    if (!isModuleType(t.text)) {
                        // the type is quoted only when it is plainly meant as one (a misspelt disksim_ module):
                        // a file that is no DiskSim file is never echoed
                        boolean named = t.text.length() <= 40 && t.text.matches("disksim_[a-z0-9_]+");
                        throw lx.error(t, "unknown block type" + (named ? " '" + t.text + "'" : "")
                                + "; expected one of DiskSim 4.0's modules (disksim_global, disksim_stats, disksim_iodriver,"
                                + " disksim_bus, disksim_ctlr, disksim_disk, disksim_logorg, disksim_pf, disksim_synthio, ...)"
                                + " or 'source', 'instantiate', 'topology'");
                    }
                    Token nameTok = lx.word("a block name after '" + t.text + "'");
                    lx.expect("{");
                    Block b = new Block(t.text, nameTok.text, parseParams(lx, file, depth), lx.origin(t));
                    Block first = block(b.name());
                    if (first == null) {
                        blocks.add(b);
                    } else {
                        // libparam's BLOCKDEF rule: "*** warning: ignoring redefinition of NAME"; the first stays
                        notes.add(b.origin() + ": ignoring redefinition of block '" + excerpt(b.name()) + "' (first defined at "
                                + first.origin() + "), as DiskSim does: the first definition is used");
                    }
                }
            }
        }
    }

    /** The top-level block types of DiskSim 4.0's modules (src/modules), and its diskmodel, MEMS and SSD add-ons'. */
    private static final java.util.Set<String> MODULES = java.util.Set.of("disksim_global", "disksim_stats",
            "disksim_iosim", "disksim_iodriver", "disksim_bus", "disksim_ctlr", "disksim_disk", "disksim_simpledisk",
            "disksim_device", "disksim_logorg", "disksim_pf", "disksim_synthio", "disksim_synthgen", "disksim_syncset",
            "disksim_cachemem", "disksim_cachedev", "disksim_ioqueue", "disksim_iodriver_stats", "disksim_bus_stats",
            "disksim_ctlr_stats", "disksim_device_stats", "disksim_pf_stats");

    private static boolean isModuleType(String type) {
        return MODULES.contains(type) || type.startsWith("dm_") || type.startsWith("memsmodel_")
                || type.startsWith("ssdmodel_");
    }

    /** A file named inside {@code from}: relative names are relative to {@code from}'s folder. */
    /** The file a {@code source NAME} token names; an error at the token when it does not exist. */
    private static Path sourced(Lexer lx, Token name, Path from) {
        Path p = resolve(from, name.text);
        if (!Files.isRegularFile(p)) {
            throw lx.error(name, "sourced file " + p + " does not exist");
        }
        return p;
    }

    static Path resolve(Path from, String name) {
        Path p = Path.of(name);
        if (p.isAbsolute() || from.getParent() == null) {
            return p;
        }
        return from.getParent().resolve(name);
    }

    private static List<String> expandRanges(List<String> names, Lexer lx, Token at) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals("..")) {
                if (i == 0 || i + 1 >= names.size()) {
                    throw lx.error(at, "'..' needs a name on each side");
                }
                String lo = names.get(i - 1);
                String hi = names.get(i + 1);
                String stem = lo.replaceAll("[0-9]+$", "");
                if (!hi.startsWith(stem) || stem.equals(lo) || stem.equals(hi)) {
                    throw lx.error(at, "bad range '" + lo + " .. " + hi + "'");
                }
                int a = Integer.parseInt(lo.substring(stem.length()));
                int b = Integer.parseInt(hi.substring(stem.length()));
                for (int k = a + 1; k < b; k++) {
                    out.add(stem + k);
                }
            } else {
                out.add(names.get(i));
            }
        }
        return out;
    }

    /** Deepest nesting of blocks, lists and topology levels (DiskSim's own files nest 4 deep). */
    static final int MAX_NESTING = 64;
    private int nesting;

    private void enter(Lexer lx, Token at) {
        if (++nesting > MAX_NESTING) {
            throw lx.error(at, "blocks nested deeper than " + MAX_NESTING + " levels");
        }
    }

    private TopoNode parseTopo(Lexer lx) {
        enter(lx, lx.peek());
        try {
            return parseTopoAt(lx);
        } finally {
            nesting--;
        }
    }

    private TopoNode parseTopoAt(Lexer lx) {
        Token type = lx.word("a component type");
        Token name = lx.word("a component name");
        lx.expect("[");
        List<TopoNode> children = new ArrayList<>();
        while (!lx.peekIs("]")) {
            if (lx.peekIs(",")) {
                lx.next();
                continue;
            }
            children.add(parseTopo(lx));
        }
        lx.expect("]");
        return new TopoNode(type.text, name.text, children, lx.origin(type));
    }

    private List<Param> parseParams(Lexer lx, Path file, int depth) {
        List<Param> params = new ArrayList<>();
        Map<String, Param> seen = new java.util.HashMap<>();
        while (true) {
            if (lx.peekIs("}")) {
                lx.next();
                return params;
            }
            if (lx.peekIs(",")) {
                lx.next();
                continue;
            }
            Token first = lx.peek();
            if (first == null) {
                throw new ConfigException(file + ": unexpected end of file inside a block");
            }
            StringBuilder name = new StringBuilder();
            while (!lx.peekIs("=")) {
                Token w = lx.next();
                if (w == null || !w.isWord()) {
                    throw lx.error(w == null ? first : w, "expected 'Name = value'");
                }
                if (name.length() > 0) {
                    name.append(' ');
                }
                name.append(w.text);
            }
            lx.expect("=");
            Value v = parseValue(lx, file, depth);
            Param p = new Param(name.toString(), v, lx.origin(first));
            Param before = seen.putIfAbsent(p.key(), p);
            if (before != null) {
                // libparam's lp_add_param: "*** error: redefined NAME", and the parse is aborted
                throw lx.error(first, "'" + excerpt(p.name()) + "' is given twice in this block (first at line "
                        + before.origin().line() + "); expected each parameter once per block, as DiskSim"
                        + " (libparam refuses a redefined parameter)");
            }
            params.add(p);
        }
    }

    private Value parseValue(Lexer lx, Path file, int depth) {
        enter(lx, lx.peek());
        try {
            return parseValueAt(lx, file, depth);
        } finally {
            nesting--;
        }
    }

    private Value parseValueAt(Lexer lx, Path file, int depth) {
        Token t = lx.next();
        if (t == null) {
            throw new ConfigException(file + ": unexpected end of file after '='");
        }
        if (t.text.equals("[")) {
            List<Value> items = new ArrayList<>();
            while (!lx.peekIs("]")) {
                if (lx.peekIs(",")) {
                    lx.next();
                    continue;
                }
                items.add(parseValue(lx, file, depth));
            }
            lx.expect("]");
            return new ListValue(items, lx.origin(t));
        }
        if (!t.isWord()) {
            throw lx.error(t, "expected a value, got '" + t.text + "'");
        }
        if (t.text.equals("source") && lx.peek() != null && lx.peek().isWord()) {
            Token f = lx.next();
            ParamFile sub = new ParamFile();
            Path model = sourced(lx, f, file);
            sub.parseFile(model, depth + 1);
            files.addAll(sub.files);
            notes.addAll(sub.notes);
            if (sub.blocks.size() != 1 || !sub.instantiations.isEmpty() || !sub.topology.isEmpty()) {
                throw new ConfigException(model + ": expected exactly one parameter block, found " + sub.blocks.size());
            }
            return sub.blocks.get(0);
        }
        if (lx.peekIs("{")) {
            lx.next();
            return new Block(t.text, "", parseParams(lx, file, depth), lx.origin(t));
        }
        Token after = lx.peek();
        if (after != null && after.isWord() && lx.peekIs2("{")) {
            Token n = lx.next();
            lx.expect("{");
            return new Block(t.text, n.text, parseParams(lx, file, depth), lx.origin(t));
        }
        if (NUMBER_START.matcher(t.text).lookingAt() && !NUMBER.matcher(t.text).matches()) {
            // DiskSim's lexer (libparam) reads a number token to its last digit, so 4x2 or 4.2.1 is a number
            // followed by stray text: a syntax error there, not a word.
            throw lx.error(t, "expected a number such as 42, 0.5, 1e-3 or 0x1f, got '" + excerpt(t.text) + "'");
        }
        if (NUMBER.matcher(t.text).matches() && !t.text.toLowerCase(Locale.ROOT).startsWith("0x")
                && !Double.isFinite(Double.parseDouble(t.text))) {
            // libparam reads numbers as C doubles: 1e400 overflows to inf, which no DiskSim parameter means
            throw lx.error(t, "expected a number such as 42, 0.5, 1e-3 or 0x1f, got '" + excerpt(t.text)
                    + "' (beyond a double's range)");
        }
        StringBuilder sb = new StringBuilder(t.text);
        while (lx.peek() != null && lx.peek().isWord()) {
            sb.append(' ').append(lx.next().text);
        }
        return new Scalar(sb.toString(), lx.origin(t));
    }

    private static final java.util.regex.Pattern NUMBER_START = java.util.regex.Pattern.compile("[-+]?\\.?[0-9]");
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
            "[-+]?(0[xX][0-9a-fA-F]+|([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?)");

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ---------------------------------------------------------------- lexer

    private record Token(String text, int line) {
        boolean isWord() {
            return !(text.equals("{") || text.equals("}") || text.equals("[") || text.equals("]")
                    || text.equals(",") || text.equals("="));
        }
    }

    private static final class Lexer {
        private final List<Token> tokens = new ArrayList<>();
        private final Path file;
        private int pos;

        Lexer(String text, Path file) {
            this.file = file;
            int line = 1;
            int i = 0;
            int n = text.length();
            while (i < n) {
                char ch = text.charAt(i);
                if (ch == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(ch)) {
                    i++;
                } else if (ch == '#') {
                    while (i < n && text.charAt(i) != '\n') {
                        i++;
                    }
                } else if ("{}[],=".indexOf(ch) >= 0) {
                    tokens.add(new Token(String.valueOf(ch), line));
                    i++;
                } else {
                    int s = i;
                    while (i < n && !Character.isWhitespace(text.charAt(i)) && "{}[],=#".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    tokens.add(new Token(text.substring(s, i), line));
                }
            }
        }

        Token peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        boolean peekIs(String s) {
            Token t = peek();
            return t != null && t.text.equals(s);
        }

        boolean peekIs2(String s) {
            return pos + 1 < tokens.size() && tokens.get(pos + 1).text.equals(s);
        }

        Token next() {
            return pos < tokens.size() ? tokens.get(pos++) : null;
        }

        Token word(String what) {
            Token t = next();
            if (t == null) {
                throw new ConfigException(file + ": unexpected end of file, expected " + what);
            }
            if (!t.isWord()) {
                throw error(t, "expected " + what + ", got '" + t.text + "'");
            }
            return t;
        }

        void expect(String s) {
            Token t = next();
            if (t == null) {
                throw new ConfigException(file + ": unexpected end of file, expected '" + s + "'");
            }
            if (!t.text.equals(s)) {
                throw error(t, "expected '" + s + "', got '" + t.text + "'");
            }
        }

        Origin origin(Token t) {
            return Origin.of(file.toString(), t == null ? 0 : t.line);
        }

        ConfigException error(Token t, String msg) {
            return ConfigException.at(origin(t), msg);
        }
    }

    /** Parameters of a block as an ordered map keyed by normalised name (for listings). */
    public static Map<String, Param> byKey(Block b) {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : b.params()) {
            m.put(p.key(), p);
        }
        return m;
    }
}
