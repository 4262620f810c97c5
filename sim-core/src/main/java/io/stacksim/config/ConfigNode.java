package io.stacksim.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A configuration document as a tree of maps, lists and scalars, each node remembering where
 * it came from (file and line, or {@code --set}).
 *
 * <p>Components read their settings with typed accessors ({@link #string}, {@link #size},
 * {@link #duration} ...) that name a default; every key read is marked. Afterwards
 * {@link #checkAllUsed()} reports the first key nobody asked for, with the keys that were
 * expected in that section, so a misspelt key is an error and never silently ignored.
 * Dotted paths ({@code block.scheduler}) address any value, for {@code --set} and sweeps.
 */
public final class ConfigNode {
    private enum Kind { MAP, LIST, SCALAR }

    private final Kind kind;
    private final String path;
    private Origin origin;
    private String scalar;
    private final Map<String, ConfigNode> children;
    private final List<ConfigNode> items;
    private final Set<String> asked = new LinkedHashSet<>();
    private boolean used;
    private boolean open;

    private ConfigNode(Kind kind, String path, Origin origin, String scalar) {
        this.kind = kind;
        this.path = path;
        this.origin = origin;
        this.scalar = scalar;
        this.children = kind == Kind.MAP ? new LinkedHashMap<>() : null;
        this.items = kind == Kind.LIST ? new ArrayList<>() : null;
    }

    /** An empty root map. */
    public static ConfigNode emptyRoot(String source) {
        return new ConfigNode(Kind.MAP, "", Origin.of(source, 0), null);
    }

    /** Deepest nesting of maps and lists a config may have (the deepest real one has 5). */
    public static final int MAX_DEPTH = 64;

    /**
     * Parses a YAML file of one document; errors name the file and line. The file must be a
     * regular text file under {@link InputFiles#MAX_TEXT_BYTES}.
     */
    public static ConfigNode parseYaml(Path file) {
        String text = InputFiles.readText(file, "a YAML config");
        return parseYamlText(text, file.toString());
    }

    /**
     * Parses YAML text; {@code source} names it in error messages. An empty document and a
     * stream of several documents are refused: a run, a sweep or a profile is one map.
     */
    public static ConfigNode parseYaml(Reader reader, String source) {
        String text;
        try {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = reader.read(buf)) > 0; ) {
                b.append(buf, 0, n);
            }
            text = b.toString();
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        return parseYamlText(text, source);
    }

    /** The 1-based line of the last document marker ('---') before {@code line}, else {@code line}. */
    private static int separatorLine(String text, int line) {
        int found = line;
        int n = 1;
        for (int i = 0; i < text.length() && n < line; ) {
            int end = text.indexOf('\n', i);
            if (end < 0) {
                end = text.length();
            }
            if (text.startsWith("---", i) && (i + 3 == end || Character.isWhitespace(text.charAt(i + 3)))) {
                found = n;
            }
            i = end + 1;
            n++;
        }
        return found;
    }

    private static ConfigNode parseYamlText(String text, String source) {
        try (JsonParser p = new YAMLFactory().createParser(new StringReader(text))) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ConfigException(source + ": empty; expected a YAML map of settings (docs/config.md)");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ConfigException(source + ":" + line(p) + ": expected a map of settings at the top level");
            }
            ConfigNode root = new ConfigNode(Kind.MAP, "", Origin.of(source, line(p)), null);
            readMap(p, root, source, 1);
            if (p.nextToken() != null) {
                throw new ConfigException(source + ":" + separatorLine(text, line(p))
                        + ": a second YAML document ('---'); expected one document per file");
            }
            return root;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
                String why = jpe.getOriginalMessage().split("\n")[0];
                if (why.startsWith("Expected a field name")) {
                    why = "a key must be a plain name (a YAML list or map as a key is not read)";
                }
                throw new ConfigException(source + ":" + jpe.getLocation().getLineNr() + ": invalid YAML: " + excerpt(why));
            }
            throw new ConfigException(source + ": invalid YAML: " + excerpt(msg));
        } catch (RuntimeException e) {
            if (e instanceof ConfigException) {
                throw e;
            }
            // SnakeYAML's own limits and scanner errors surface as unchecked exceptions
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new ConfigException(source + ": invalid YAML: " + excerpt(msg));
        }
    }

    private static String excerpt(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private static int line(JsonParser p) {
        JsonLocation loc = p.currentTokenLocation();
        return loc == null ? 0 : loc.getLineNr();
    }

    private static void readMap(JsonParser p, ConfigNode map, String source, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new ConfigException(source + ":" + line(p) + ": nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
            String key = p.currentName();
            int keyLine = line(p);
            p.nextToken();
            if (map.children.containsKey(key)) {
                throw new ConfigException(source + ":" + keyLine + ": key '" + map.childPath(key) + "' given twice");
            }
            map.children.put(key, readValue(p, map.childPath(key), source, keyLine, depth + 1));
        }
    }

    /** The YAML core schema's tags: a value may say it is a string, number, bool or null (!!str 4k); no other tag is read. */
    private static final Set<String> CORE_TAGS = Set.of("str", "int", "float", "bool", "null", "map", "seq");

    private static ConfigNode readValue(JsonParser p, String path, String source, int keyLine, int depth) throws IOException {
        JsonToken t = p.currentToken();
        Origin origin = Origin.of(source, keyLine > 0 ? keyLine : line(p));
        Object typeId = p.getTypeId();
        String tag = typeId == null ? null : typeId.toString();
        if (tag != null && !CORE_TAGS.contains(tag.replaceFirst("^(tag:yaml\\.org,2002:|!!|!)", ""))) {
            throw new ConfigException(origin + ": '" + path + "': a YAML tag (" + excerpt(tag)
                    + ") is not read; expected a plain value, list or map");
        }
        switch (t) {
            case START_OBJECT: {
                ConfigNode node = new ConfigNode(Kind.MAP, path, origin, null);
                readMap(p, node, source, depth);
                return node;
            }
            case START_ARRAY: {
                if (depth > MAX_DEPTH) {
                    throw new ConfigException(source + ":" + line(p) + ": nested deeper than " + MAX_DEPTH + " levels");
                }
                ConfigNode node = new ConfigNode(Kind.LIST, path, origin, null);
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    node.items.add(readValue(p, path + "[" + i++ + "]", source, line(p), depth + 1));
                }
                return node;
            }
            case VALUE_NULL:
                return new ConfigNode(Kind.SCALAR, path, origin, null);
            default:
                return new ConfigNode(Kind.SCALAR, path, origin, p.getText());
        }
    }

    // ------------------------------------------------------------------ navigation

    /** Dotted path of this node ("" for the root). */
    public String path() {
        return path;
    }

    public Origin origin() {
        return origin;
    }

    public boolean isMap() {
        return kind == Kind.MAP;
    }

    public boolean isList() {
        return kind == Kind.LIST;
    }

    public boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    /** The scalar's text (null for an empty value). */
    public String text() {
        requireKind(Kind.SCALAR, "a single value");
        used = true;
        return scalar;
    }

    /** Elements of a list node. */
    public List<ConfigNode> items() {
        requireKind(Kind.LIST, "a list");
        used = true;
        return Collections.unmodifiableList(items);
    }

    /** Keys of a map node, in document order. */
    public Set<String> keys() {
        requireKind(Kind.MAP, "a map");
        return Collections.unmodifiableSet(children.keySet());
    }

    /** True when the map holds {@code key}. */
    public boolean has(String key) {
        asked.add(key);
        return kind == Kind.MAP && children.containsKey(key);
    }

    /** The raw child at {@code key}, or null; marks it used. */
    public ConfigNode child(String key) {
        requireKind(Kind.MAP, "a map");
        asked.add(key);
        ConfigNode c = children.get(key);
        if (c != null) {
            c.used = true;
        }
        return c;
    }

    /** The map at {@code key}; an empty map (with every default) if absent. */
    public ConfigNode section(String key) {
        requireKind(Kind.MAP, "a map");
        asked.add(key);
        ConfigNode c = children.get(key);
        if (c == null) {
            c = new ConfigNode(Kind.MAP, childPath(key), origin, null);
            children.put(key, c);
            c.used = true;
            return c;
        }
        c.used = true;
        if (c.kind != Kind.MAP) {
            throw ConfigException.at(c.origin, "'" + c.path + "' must be a map of settings");
        }
        return c;
    }

    /** Marks this map as free-form: its keys are not checked by {@link #checkAllUsed()}. */
    public ConfigNode markOpen() {
        this.open = true;
        this.used = true;
        return this;
    }

    // ------------------------------------------------------------------ typed values

    /** A string value, or {@code def} when absent. */
    public String string(String key, String def) {
        ConfigNode c = scalarChild(key);
        return c == null ? def : c.scalar;
    }

    /** A string that must be one of {@code allowed} (case-sensitive). */
    public String choice(String key, String def, List<String> allowed) {
        String v = string(key, def);
        if (v != null && !allowed.contains(v)) {
            throw error(key, "'" + v + "' is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    public boolean bool(String key, boolean def) {
        return value(key, def, "true or false", s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    public long longValue(String key, long def, long min, long max) {
        long v = value(key, def, "an integer", s -> Long.decode(s.replace("_", "")));
        return checkRange(key, v, min, max);
    }

    public int intValue(String key, int def, int min, int max) {
        return (int) longValue(key, def, min, max);
    }

    public double doubleValue(String key, double def, double min, double max) {
        double v = value(key, def, "a number", Double::parseDouble);
        if (!(v >= min && v <= max)) {
            throw error(key, v + " is out of range [" + fmt(min) + ", " + fmt(max) + "]");
        }
        return v;
    }

    /** A size in bytes ("4k", "128KiB", "1g"); see {@link Units#parseSize}. */
    public long size(String key, long def, long min, long max) {
        long v = value(key, def, "a size such as 4k, 128KiB or 1g", Units::parseSize);
        return checkRange(key, v, min, max);
    }

    /** A duration in ns ("500ms", "5s"); a bare number is in {@code bareUnitNs}. */
    public long duration(String key, long def, long bareUnitNs) {
        return value(key, def, "a duration such as 500us, 10ms or 2s", s -> Units.parseDuration(s, bareUnitNs));
    }

    /** A rate in bytes/s ("550MB/s", "6Gb/s"). */
    public double rate(String key, double def) {
        double v = value(key, def, "a rate such as 550MB/s or 6Gb/s", Units::parseRate);
        if (!(v > 0)) {
            throw error(key, "a rate must be positive");
        }
        return v;
    }

    private <T> T value(String key, T def, String expected, Function<String, T> parse) {
        ConfigNode c = scalarChild(key);
        if (c == null) {
            return def;
        }
        try {
            return parse.apply(c.scalar.trim());
        } catch (RuntimeException e) {
            String detail = e.getMessage() != null && !(e instanceof NumberFormatException) ? " (" + e.getMessage() + ")" : "";
            throw ConfigException.at(c.origin, "'" + c.path + "': expected " + expected + ", got '" + c.scalar + "'" + detail);
        }
    }

    private long checkRange(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw error(key, v + " is out of range [" + min + ", " + (max == Long.MAX_VALUE ? "inf" : max) + "]");
        }
        return v;
    }

    private ConfigNode scalarChild(String key) {
        ConfigNode c = child(key);
        if (c == null) {
            return null;
        }
        if (c.kind != Kind.SCALAR) {
            throw ConfigException.at(c.origin, "'" + c.path + "' must be a single value, not a "
                    + (c.kind == Kind.MAP ? "map" : "list"));
        }
        if (c.scalar == null) {
            throw ConfigException.at(c.origin, "'" + c.path + "' has no value");
        }
        return c;
    }

    /** An error about the value at {@code key}, at its origin (or this map's). */
    public ConfigException error(String key, String message) {
        ConfigNode c = kind == Kind.MAP ? children.get(key) : null;
        Origin o = c != null ? c.origin : origin;
        return ConfigException.at(o, "'" + childPath(key) + "': " + message);
    }

    // ------------------------------------------------------------------ overrides

    /**
     * Sets the value at dotted {@code path} to the scalar {@code value}, creating maps on the way
     * (for {@code --set} and sweep axes).
     */
    public void set(String dottedPath, String value, Origin from) {
        requireKind(Kind.MAP, "a map");
        String[] parts = dottedPath.split("\\.");
        ConfigNode node = this;
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw ConfigException.at(from, "bad key path '" + dottedPath + "'");
            }
            ConfigNode next = node.children.get(part);
            if (next == null) {
                next = new ConfigNode(Kind.MAP, node.childPath(part), from, null);
                node.children.put(part, next);
            } else if (next.kind != Kind.MAP) {
                throw ConfigException.at(from, "'" + next.path + "' is a single value; cannot set '" + dottedPath + "'");
            }
            node = next;
        }
        String leaf = parts[parts.length - 1];
        if (leaf.isEmpty()) {
            throw ConfigException.at(from, "bad key path '" + dottedPath + "'");
        }
        node.children.put(leaf, new ConfigNode(Kind.SCALAR, node.childPath(leaf), from, value));
    }

    /** Removes {@code key} from this map (no-op when absent). */
    public void remove(String key) {
        requireKind(Kind.MAP, "a map");
        children.remove(key);
    }

    /** The scalar text at dotted {@code path}, or null (does not mark anything used). */
    public String get(String dottedPath) {
        ConfigNode node = this;
        for (String part : dottedPath.split("\\.")) {
            if (node.kind != Kind.MAP) {
                return null;
            }
            node = node.children.get(part);
            if (node == null) {
                return null;
            }
        }
        return node.kind == Kind.SCALAR ? node.scalar : null;
    }

    /** A deep copy with nothing marked used. */
    public ConfigNode copy() {
        ConfigNode c = new ConfigNode(kind, path, origin, scalar);
        c.open = open;
        if (kind == Kind.MAP) {
            children.forEach((k, v) -> c.children.put(k, v.copy()));
        } else if (kind == Kind.LIST) {
            items.forEach(v -> c.items.add(v.copy()));
        }
        return c;
    }

    /** Copies every key of {@code other} over this map, recursively (other wins). */
    public void overlay(ConfigNode other) {
        requireKind(Kind.MAP, "a map");
        for (Map.Entry<String, ConfigNode> e : other.children.entrySet()) {
            ConfigNode mine = children.get(e.getKey());
            if (mine != null && mine.kind == Kind.MAP && e.getValue().kind == Kind.MAP) {
                mine.overlay(e.getValue());
            } else {
                children.put(e.getKey(), e.getValue().copy());
            }
        }
    }

    /** Plain Java view (maps, lists, strings) for printing the resolved config. */
    public Object toPlain() {
        return switch (kind) {
            case SCALAR -> scalar;
            case LIST -> items.stream().map(ConfigNode::toPlain).toList();
            case MAP -> {
                Map<String, Object> m = new LinkedHashMap<>();
                children.forEach((k, v) -> {
                    if (!(v.kind == Kind.MAP && v.children.isEmpty())) {
                        m.put(k, v.toPlain());
                    }
                });
                yield m;
            }
        };
    }

    // ------------------------------------------------------------------ validation

    /**
     * Throws for the first key (in document order) that no component read: a misspelt or
     * unsupported setting. The message names the key, its line and the keys expected there.
     */
    public void checkAllUsed() {
        if (kind != Kind.MAP || open) {
            return;
        }
        for (Map.Entry<String, ConfigNode> e : children.entrySet()) {
            ConfigNode c = e.getValue();
            if (!c.used) {
                throw ConfigException.at(c.origin, "unknown key '" + c.path + "'" + suggestion(e.getKey()));
            }
            c.checkAllUsed();
        }
    }

    /**
     * Throws, as {@link #checkAllUsed()} does, for the first key of this map that was not read
     * in {@code readCopy}: a copy of it (or of a map it was overlaid on) that a component read
     * in its place.
     */
    public void checkUsedIn(ConfigNode readCopy) {
        if (kind != Kind.MAP || readCopy.kind != Kind.MAP || readCopy.open) {
            return;
        }
        used = true;
        for (Map.Entry<String, ConfigNode> e : children.entrySet()) {
            ConfigNode c = e.getValue();
            ConfigNode r = readCopy.children.get(e.getKey());
            if (r == null || !r.used) {
                throw ConfigException.at(c.origin, "unknown key '" + c.path + "'" + readCopy.suggestion(e.getKey()));
            }
            c.used = true;
            c.checkUsedIn(r);
        }
    }

    private String suggestion(String key) {
        if (asked.isEmpty()) {
            return "";
        }
        String best = Spelling.closest(key, asked, Math.max(2, key.length() / 3));
        String known = " (expected one of: " + String.join(", ", new java.util.TreeSet<>(asked)) + ")";
        if (best != null) {
            return "; did you mean '" + childPath(best) + "'?" + known;
        }
        return known;
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void requireKind(Kind k, String what) {
        if (kind != k) {
            throw ConfigException.at(origin, "'" + path + "' must be " + what);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
