package io.stacksim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.engine.RandomStreams;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The I/O unit planner against fio 3.33's own plans: the same job run by real fio with the
 * null engine (resources {@code fio-null/}, see its README) issues these directions, offsets
 * and sizes. Deterministic jobs must match I/O for I/O; random ones must keep fio's rules.
 */
class IoUnitPlannerTest {

    /** One planned or logged I/O: fio's iolog action ("read", "write", "sync"), offset and length. */
    private record Io(String action, long offset, long length) {
        @Override
        public String toString() {
            return action.equals("sync") ? "sync" : action + " " + offset + " " + length;
        }
    }

    private static JobSpec spec(String options) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), Path.of("."))
                .parse("[j]\n" + options, "t.fio", Path.of("."));
        JobFile.Section sec = f.jobs().get(0);
        return JobTranslator.translate("j", f.effectiveOptions(sec), sec.options(), false, null).spec();
    }

    private static String resource(String name) {
        try (InputStream in = IoUnitPlannerTest.class.getResourceAsStream("fio-null/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What fio logged for job {@code name}. */
    private static List<Io> fio(String name) {
        List<Io> out = new ArrayList<>();
        for (String line : resource(name + ".iolog").split("\n")) {
            String[] f = line.trim().split(" ");
            out.add(new Io(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return out;
    }

    /**
     * The planner's I/Os for a one-file job, asked in the order fio's do_io asks with a
     * synchronous engine (each unit complete before the next), over all of its loops.
     */
    private static List<Io> plan(String options) {
        JobSpec spec = spec(options);
        long size = spec.files().size().bytes();
        long offset = spec.files().offset().resolve(size);
        RandomStreams r = new RandomStreams(3);
        OffsetGenerator gen = new OffsetGenerator(offset, size, offset + size, spec.access(), spec.timeBased(), true,
                r.stream("o"), r.stream("sr"), r.stream("sw"), r.stream("z"), r.stream("k"));
        long perLoop = spec.limits().ioSize() > 0 ? spec.limits().ioSize() : size;
        IoUnitPlanner p = new IoUnitPlanner(spec, new OffsetGenerator[] {gen}, perLoop, r, "t");
        List<Io> out = new ArrayList<>();
        boolean lastWasSync = false;
        for (int loop = 0; loop < spec.limits().loops(); loop++) {
            if (loop > 0) {
                p.nextLoop();
                lastWasSync = false;
            }
            p.startLoop();
            while (!p.loopDone()) {
                int fi = p.service().next(false);
                int sync = p.syncDue(lastWasSync);
                if (sync >= 0) {
                    out.add(new Io("sync", 0, 0));
                    lastWasSync = true;
                    continue;
                }
                int ddir = p.direction();
                long off = p.nextOffset(fi, ddir);
                p.wrapped(fi);
                long len = p.length(fi, ddir, off);
                if (len == 0) {
                    break;
                }
                p.issued(ddir, len);
                lastWasSync = false;
                out.add(new Io(ddir == JobStats.READ ? "read" : "write", off, len));
            }
        }
        return out;
    }

    private static List<String> shown(List<Io> ios) {
        return ios.stream().map(Io::toString).toList();
    }

    private static void samePlanAsFio(String name) {
        assertThat(shown(plan(resource(name + ".fio")))).as(name).containsExactlyElementsOf(shown(fio(name)));
    }

    @Test
    void aSequentialJobStartsAtItsOffsetAndStepsByTheBlockSizeToTheEndOfItsRegion() {
        samePlanAsFio("seq-offset");
    }

    @Test
    void ioSizeEndsTheLoopBeforeTheRegionDoes() {
        samePlanAsFio("io-size");
    }

    @Test
    void numberIosEndsTheLoopAfterThatManyIos() {
        samePlanAsFio("number-ios");
    }

    @Test
    void eachLoopGoesOverTheRegionAgainFromItsStart() {
        samePlanAsFio("loops");
    }

    @Test
    void fsyncEveryNWritesComesAfterTheNthWriteAndNotTwiceInARow() {
        samePlanAsFio("fsync");
    }

    @Test
    void aHoleAfterEachSequentialIoWrapsToTheRegionStartUntilTheSizeIsIssued() {
        samePlanAsFio("write-hole");
    }

    /** For each I/O after the first: "s" when it continues the previous one, "R" for a new offset. */
    private static String jumps(List<Io> ios) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < ios.size(); i++) {
            sb.append(ios.get(i).offset() == ios.get(i - 1).offset() + ios.get(i - 1).length() ? 's' : 'R');
        }
        return sb.toString();
    }

    @Test
    void rwRandreadColonNTakesANewRandomOffsetOnTheFirstIoAndThenEveryNth() {
        List<Io> fio = fio("randread-seqnr");
        List<Io> ours = plan(resource("randread-seqnr.fio"));
        assertThat(jumps(fio)).startsWith("sssRsssR");
        assertThat(jumps(ours)).isEqualTo(jumps(fio));
    }

    @Test
    void theRandomMapUsesEveryBlockOfTheRegionOncePerPass() {
        List<Io> fio = fio("randmap");
        List<Io> ours = plan(resource("randmap.fio"));
        assertThat(ours).hasSameSizeAs(fio);
        Set<Long> fioBlocks = new HashSet<>();
        fio.forEach(io -> fioBlocks.add(io.offset()));
        Set<Long> ourBlocks = new HashSet<>();
        ours.forEach(io -> ourBlocks.add(io.offset()));
        assertThat(ourBlocks).hasSize(fio.size()).isEqualTo(fioBlocks);
        assertThat(shown(ours)).isNotEqualTo(ours.stream().sorted((a, b) -> Long.compare(a.offset(), b.offset()))
                .map(Io::toString).toList());
    }

    @Test
    void bsrangeSizesAreMultiplesOfTheMinimumWithinTheRangeAndCoverTheRegionContiguously() {
        List<Io> fio = fio("bsrange-seq");
        List<Io> ours = plan(resource("bsrange-seq.fio"));
        for (List<Io> ios : List.of(fio, ours)) {
            long pos = 0;
            for (Io io : ios) {
                assertThat(io.offset()).isEqualTo(pos);
                assertThat(io.length() % 4096).isZero();
                assertThat(io.length()).isBetween(4096L, 16384L);
                pos += io.length();
            }
            assertThat(pos).isEqualTo(1L << 20);
        }
        // Four sizes drawn uniformly (min + max x U aligned down, capped): 1 MiB / 10 KiB ~ 105 I/Os.
        assertThat((double) ours.size()).isCloseTo(fio.size(), within(12.0));
    }

    @Test
    void aMixTakesItsReadShareOfTheIosAndSizeEndsTheLoopBeforeNumberIos() {
        // fio 3.33, same job: 16384 I/Os (64 MiB of 4 KiB), 11457 of them reads (69.93 %).
        List<Io> ours = plan("size=64m\nrw=randrw\nrwmixread=70\nbs=4k\nnumber_ios=20000\nnorandommap\n");
        assertThat(ours).hasSize(16384);
        double reads = ours.stream().filter(io -> io.action().equals("read")).count() / (double) ours.size();
        assertThat(reads).isCloseTo(11457 / 16384.0, within(0.02));
    }

    @Test
    void bssplitSharesAreSharesOfTheIos() {
        // fio 3.33, same job: 20000 reads, 4045 of them of 4 KiB (20.2 %).
        List<Io> ours = plan("size=1g\nrw=randread\nbssplit=4k/20:64k/80\nnumber_ios=20000\nnorandommap\n");
        assertThat(ours).hasSize(20000);
        double small = ours.stream().filter(io -> io.length() == 4096).count() / (double) ours.size();
        assertThat(small).isCloseTo(4045 / 20000.0, within(0.015));
        assertThat(ours).allMatch(io -> io.length() == 4096 || io.length() == 65536);
    }
}
