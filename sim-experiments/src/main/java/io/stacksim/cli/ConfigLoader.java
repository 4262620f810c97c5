package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.nio.file.Path;
import java.util.List;

/** Reads a config file and applies {@code --set path=value} overrides. */
final class ConfigLoader {
    private ConfigLoader() {
    }

    static ConfigNode load(Path file, List<String> sets) {
        ConfigNode root = file == null ? ConfigNode.emptyRoot("(defaults)") : ConfigNode.parseYaml(file);
        applySets(root, sets);
        return root;
    }

    static void applySets(ConfigNode root, List<String> sets) {
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + s + ": expected path=value, e.g. --set block.scheduler=none");
            }
            String path = s.substring(0, eq).trim();
            root.set(path, s.substring(eq + 1).trim(), Origin.flag("--set " + path));
        }
    }
}
