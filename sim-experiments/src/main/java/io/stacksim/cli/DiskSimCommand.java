package io.stacksim.cli;

import io.stacksim.config.ConfigException;
import io.stacksim.experiment.DiskSimValidation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stacksim validate disksim}: the HDD model against DiskSim's validation traces. */
@Command(name = "disksim", mixinStandardHelpOptions = true,
        description = "Replay DiskSim validation traces against the HDD model built from the DiskSim spec and score"
                + " it by DiskSim's demerit.")
final class DiskSimCommand implements Callable<Integer> {
    @Parameters(arity = "0..2", paramLabel = "PARV TRACE", description = "a DiskSim .parv and its validate-format trace")
    List<Path> files = new ArrayList<>();

    @Option(names = "--all", paramLabel = "DIR", description = "every X.parv with an X.trace in DIR")
    Path all;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<DiskSimValidation.Case> cases;
        if (all != null) {
            cases = DiskSimValidation.discover(all);
        } else if (files.size() == 2) {
            cases = List.of(DiskSimValidation.caseOf(files.get(0), files.get(1)));
        } else {
            throw new ConfigException("give PARV TRACE, or --all DIR");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (DiskSimValidation.Case c : cases) {
            out.println(DiskSimValidation.summary(DiskSimValidation.run(c)));
            out.flush();
        }
        return 0;
    }
}
