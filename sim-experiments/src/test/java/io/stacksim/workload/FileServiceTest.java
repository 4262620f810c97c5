package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.RandomStreams;
import org.junit.jupiter.api.Test;

/** fio's get_next_file rules (io_u.c) and filename_format (init.c make_filename). */
class FileServiceTest {
    @Test
    void makeFilenameReplacesEveryKeywordInAnyCaseAndDefaultsToJobnameJobnumFilenum() {
        assertThat(FileSetup.expandFilename("", "job", 2, 7)).isEqualTo("job.2.7");
        assertThat(FileSetup.expandFilename("$jobname.$jobnum.$filenum", "job", 2, 7)).isEqualTo("job.2.7");
        assertThat(FileSetup.expandFilename("$JOBNAME-$filenum-$FILENUM", "a b", 0, 3)).isEqualTo("a b-3-3");
        assertThat(FileSetup.expandFilename("data$clientuid.$filenum", "j", 0, 1)).isEqualTo("data.1");
        assertThat(FileSetup.expandFilename("fixed", "j", 4, 5)).isEqualTo("fixed");
    }

    @Test
    void roundRobinColonNKeepsAFileForNIos() {
        FileService s = new FileService(3, "roundrobin", 2, 0, new RandomStreams(1).stream("f"), null);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(s.next(false));
        }
        assertThat(order.toString()).isEqualTo("00112200");
    }

    @Test
    void anOpenfilesLimitWithIoInFlightIsBusyAndAdvancesTheCursor() {
        FileService s = new FileService(3, "roundrobin", 1, 1, new RandomStreams(1).stream("f"), null);
        assertThat(s.next(true)).isZero();
        assertThat(s.takeOpened()).isTrue();
        // files 1 and 2 are closed and one file is open: -EBUSY twice, then file 0 again
        assertThat(s.next(true)).isEqualTo(FileService.BUSY);
        assertThat(s.next(true)).isEqualTo(FileService.BUSY);
        assertThat(s.next(true)).isZero();
        assertThat(s.takeOpened()).isFalse();
        assertThat(s.busyRetries()).isEqualTo(2);
        // without I/O in flight the retries are walked in one call
        s.exhausted(0);
        assertThat(s.next(false)).isEqualTo(1);
        s.exhausted(1);
        s.exhausted(2);
        assertThat(s.next(false)).isEqualTo(FileService.NONE);
    }

    /**
     * file_service_type=zipf:1.2 with centre 0 (init_rand_file_service: ranks over nrfiles << 10,
     * hash off): file k's share is the zipf mass of ranks 1024k+1 .. 1024(k+1).
     */
    @Test
    void zipfFileServiceGivesEachFileTheZipfMassOfItsRanks() {
        int files = 4;
        java.util.function.IntSupplier g = OffsetGenerator.fileChooser(new Distribution.Zipf(1.2, 0), files,
                new RandomStreams(5).stream("z"));
        int draws = 200_000;
        long[] count = new long[files];
        for (int i = 0; i < draws; i++) {
            count[g.getAsInt()]++;
        }
        double[] mass = new double[files];
        double total = 0;
        for (int r = 1; r <= files << 10; r++) {
            double p = Math.pow(r, -1.2);
            mass[(r - 1) >> 10] += p;
            total += p;
        }
        for (int k = 0; k < files; k++) {
            assertThat(count[k] / (double) draws).as("file " + k).isCloseTo(mass[k] / total, within(0.02));
        }
    }
}
