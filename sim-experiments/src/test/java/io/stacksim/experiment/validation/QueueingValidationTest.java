package io.stacksim.experiment.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.devices.latency.ServiceTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueingValidationTest {

    @Test
    void pollaczekKhinchineGivesTheTextbookFormulasForMm1AndMd1() {
        // M/M/1: E[T] = E[S]/(1-rho); M/D/1: E[T] = E[S] + rho E[S] / (2 (1-rho)).
        assertThat(QueueingValidation.theory(ServiceTime.parse("exp:100us"), 0.9)).isCloseTo(1_000_000, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(QueueingValidation.theory(ServiceTime.parse("const:100us"), 0.5)).isCloseTo(150_000, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void everyStandardQueueMatchesTheoryWithinTwoPercent() {
        List<QueueingValidation.Row> rows = QueueingValidation.run(QueueingValidation.standardCases(1.0), 1,
                Runtime.getRuntime().availableProcessors());
        for (QueueingValidation.Row r : rows) {
            assertThat(Math.abs(r.relError())).as("%s rho=%.2f", r.c().model(), r.c().rho()).isLessThanOrEqualTo(0.02);
            assertThat(r.simulated().halfWidth() / r.theoryNs()).as("CI of %s rho=%.2f", r.c().model(), r.c().rho())
                    .isLessThanOrEqualTo(0.01);
            assertThat(r.pass()).isTrue();
        }
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() {
        List<QueueingValidation.Case> one = List.of(new QueueingValidation.Case("M/M/1", "exp:100us", 0.7, 20_000, 4));
        List<QueueingValidation.Row> a = QueueingValidation.run(one, 3, 1);
        List<QueueingValidation.Row> b = QueueingValidation.run(one, 3, 2);
        assertThat(a.get(0).simulated()).isEqualTo(b.get(0).simulated());
    }
}
