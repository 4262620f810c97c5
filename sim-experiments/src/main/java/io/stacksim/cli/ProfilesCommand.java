package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.devices.DeviceProfile;
import io.stacksim.devices.Profiles;
import io.stacksim.devices.hdd.disksim.DiskSimSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stacksim profiles [NAME]}: the device presets and their parameters. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "List the device profiles, or show one with all its parameters.")
final class ProfilesCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a profile name or profile .yaml file")
    String name;

    @Option(names = "--disksim", paramLabel = "PATH.parv", description = "show the disk a DiskSim spec describes, as StackSim reads it")
    Path disksim;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (disksim != null) {
            if (name != null) {
                throw new ConfigException("give either a profile NAME or --disksim PATH.parv, not both");
            }
            DiskSimSpec.Loaded d = DiskSimSpec.load(disksim);
            out.printf("%s (disk %s, instance %s)%n", disksim, d.disk(), d.instance());
            out.printf("read: %s%n%n", String.join(", ", d.files().stream().map(Path::toString).toList()));
            out.print(d.params().describe());
            if (!d.notes().isEmpty()) {
                out.printf("%nRead but without effect (%d):%n", d.notes().size());
                for (String n : d.notes()) {
                    out.printf("  %s%n", n);
                }
            }
            out.printf("%nUse it in a config as device.profile: %s%s%n", Profiles.DISKSIM_PREFIX, disksim);
        } else if (name == null) {
            for (DeviceProfile p : Profiles.builtIn().all()) {
                out.printf("%-14s %-8s %s%n", p.name(), p.kind(), p.description());
                out.printf("%-14s %-8s source: %s%n", "", "", p.source());
            }
        } else {
            DeviceProfile p = Profiles.builtIn().lookup(name);
            out.printf("%s (%s): %s%nsource: %s%n%n", p.name(), p.kind(), p.description(), p.source());
            for (Map.Entry<String, String> e : p.params().entrySet()) {
                out.printf("  %-22s %s%n", e.getKey(), e.getValue());
            }
            java.util.List<String> derived = Profiles.derived(p);
            if (!derived.isEmpty()) {
                out.printf("%nderived:%n");
                derived.forEach(line -> out.printf("  %s%n", line));
            }
            out.printf("%nOverride any parameter in a config as device.<name>, e.g. --set device.queue_depth=64%n");
        }
        out.flush();
        return 0;
    }
}
