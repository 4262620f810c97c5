package io.stacksim.cli;

import io.stacksim.devices.DeviceProfile;
import io.stacksim.devices.Profiles;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stacksim profiles [NAME]}: the device presets and their parameters. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "List the device profiles, or show one with all its parameters.")
final class ProfilesCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a profile name or profile .yaml file")
    String name;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
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
