package io.stacksim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.experiment.run.Simulation;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.fio.FioOptions;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * fio jobs of the engines with options of their own (net and netsplice, sg, io_uring_cmd,
 * cpuio, filestat and the other file engines, libaio's cmdprio), of zonemode=zbd and strided, of
 * trims and of the job options added with them (rate_min, fill_device, dedupe and compression,
 * numa, io_submit_mode), mutated and then run to the end on the stack each is written for: a
 * mutation either runs or is refused with the one-line {@link ConfigException} (at parse,
 * translation, layout or while the job runs), never another exception, never a hang.
 *
 * <p>Besides {@link ParserMutationPropertiesTest}'s character and line edits, a mutation sets an
 * option: a line {@code KEY=VALUE} inserted anywhere, KEY one of the options these jobs are about
 * (every engine option StackSim simulates, read from {@link FioOptions}, and the zone and extra
 * options) and VALUE one of the values that break parsers (empty, 0, negative, huge, 1e300, a
 * word, a list, another option's value), so the mutations reach the options' own checks, not
 * only the job file's syntax. Each property has its own fixed seed; each job's simulated time
 * is capped (fio's --max-runtime) so a try stays short, and each has a wall-clock bound.
 */
class EngineOptionMutationPropertiesTest {
    private static final int TRIES = 50;
    /** Wall-clock bound per try: a run that has not ended by then is a hang (the tries take well under a second). */
    private static final long TIMEOUT_S = 30;
    /** Simulated time each job may run, as --max-runtime caps it (a disk's jobs get more: each I/O takes ms). */
    private static final long RUNTIME_CAP_NS = 20_000_000L;
    private static final long DISK_RUNTIME_CAP_NS = 200_000_000L;
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "engine-mutation-case");
        t.setDaemon(true);
        return t;
    });

    @AfterContainer
    static void stopPool() {
        POOL.shutdownNow();
    }

    private static final String LATENCY = "device: {profile: latency-100us, servers: 8}\nblock: {scheduler: none}\n";
    private static final String EXT4 = "device: {profile: latency-100us, capacity: 1GiB}\nblock: {scheduler: none}\n"
            + "fs: {type: ext4, first_sector: 0}\n";
    private static final String NVME = "device: {profile: nvme-gen4}\n";
    private static final String SAS = "device: {profile: hdd-15k}\n";
    private static final String ZNS = "device: {profile: zns-zn540, zone_size: 1MiB, zone_capacity: 768KiB, nr_zones: 64,"
            + " max_open_zones: 6, max_active_zones: 6, blocks_per_plane: 16, pages_per_block: 128}\n";
    private static final String SMR = "device: {profile: smr-hc620, zone_size: 1MiB, nr_zones: 64, conventional_zones: 2,"
            + " max_open_zones: 8}\n";

    private static final String NET_TCP = """
            [global]
            ioengine=net
            port=8888
            protocol=tcp
            bs=4k
            size=256k
            [receiver]
            listen
            rw=read
            [sender]
            hostname=localhost
            rw=write
            nodelay=1
            window_size=65536
            mss=1460
            """;

    private static final String NET_UDP = """
            [global]
            ioengine=net
            protocol=udp
            bs=64
            size=16k
            port=10000
            hostname=239.0.0.0
            ttl=1
            [pingpong_reader]
            pingpong=1
            rw=read
            [pingpong_writer]
            startdelay=1
            pingpong=1
            rw=write
            """;

    private static final String NETSPLICE = """
            [global]
            ioengine=netsplice
            port=8890
            protocol=tcp
            bs=16k
            size=512k
            [receiver]
            listen
            rw=read
            [sender]
            hostname=127.0.0.1
            rw=write
            """;

    private static final String SG = """
            [global]
            filename=/dev/sdb
            buffer_pattern=0x01
            ioengine=sg
            rw=write
            bs=512
            stonewall
            [precon]
            number_ios=20
            writefua=1
            [verify]
            sg_write_mode=verify_bytchk_01
            number_ios=20
            [same]
            sg_write_mode=write_same_ndob
            number_ios=4
            [read]
            rw=randread
            readfua=1
            number_ios=20
            """;

    private static final String URING_CMD = """
            [global]
            filename=/dev/ng0n1
            ioengine=io_uring_cmd
            cmd_type=nvme
            size=64m
            iodepth=8
            bs=4k
            number_ios=200
            stonewall
            [rand-write]
            rw=randwrite
            registerfiles=1
            [rand-read]
            rw=randread
            nonvectored=1
            """;

    private static final String ZBD = """
            [global]
            filename=/dev/nvme0n1
            zonemode=zbd
            direct=1
            ioengine=libaio
            iodepth=4
            bs=64k
            size=8m
            max_open_zones=4
            [w]
            rw=randwrite
            job_max_open_zones=2
            zone_reset_threshold=0.5
            zone_reset_frequency=0.25
            number_ios=200
            [r]
            stonewall
            rw=read
            read_beyond_wp=0
            number_ios=100
            """;

    private static final String STRIDED = """
            [global]
            filename=/dev/sda
            direct=1
            bs=64k
            [w]
            zonemode=zbd
            rw=write
            offset=2m
            size=4m
            ignore_zone_limits=0
            [s]
            stonewall
            zonemode=strided
            zonerange=1m
            zonesize=256k
            zoneskip=256k
            rw=read
            size=8m
            """;

    private static final String TRIM = """
            [global]
            filename=/dev/nvme0n1
            direct=1
            ioengine=libaio
            iodepth=4
            size=4m
            [t]
            rw=randtrim
            bs=64k
            [tw]
            stonewall
            rw=trimwrite
            bs=16k
            verify=crc32c
            [tr]
            stonewall
            rw=randrw
            rwmixread=50
            bs=4k,8k,64k
            number_ios=100
            """;

    private static final String FILES = """
            [global]
            directory=/mnt
            nrfiles=8
            filesize=4k
            [c]
            ioengine=filecreate
            create_on_open=1
            fallocate=none
            rw=write
            [s]
            stonewall
            ioengine=filestat
            stat_type=statx
            [d]
            stonewall
            ioengine=filedelete
            """;

    private static final String EXTRAS = """
            [global]
            filename=/dev/nvme0n1
            ioengine=libaio
            direct=1
            iodepth=8
            bs=4k
            size=8m
            cmdprio_class=1
            [dedupe]
            rw=write
            cmdprio_percentage=50
            cmdprio=0
            dedupe_mode=working_set
            dedupe_percentage=50
            dedupe_working_set_percentage=50
            dedupe_global=1
            buffer_compress_percentage=50
            buffer_compress_chunk=512
            refill_buffers
            number_ios=200
            [rated]
            stonewall
            rw=randread
            rate_iops=2000
            rate_iops_min=10
            rate_min=1k
            rate_cycle=10
            numa_cpu_nodes=0
            numa_mem_policy=bind:0
            io_submit_mode=offload
            cmdprio_bssplit=4k/50/1/3
            number_ios=40
            [fill]
            stonewall
            rw=write
            bs=1m
            fill_device=1
            """;

    private static final String CPUIO = """
            [burn]
            ioengine=cpuio
            cpuload=50
            cpuchunks=1000
            cpumode=noop
            runtime=5ms
            time_based
            """;

    // ------------------------------------------------------------------ mutations

    /**
     * The options a mutation sets: every engine option StackSim simulates with some engine (the
     * table fio's engines/*.c give, as FioOptions reads it), then the zone options and the job
     * options that came with the engines.
     */
    static final List<String> KEYS = targetedOptions();

    private static List<String> targetedOptions() {
        List<String> keys = new ArrayList<>();
        for (String k : FioOptions.keys()) {
            FioOptions.Def d = FioOptions.lookup(k);
            if (d.scope() == FioOptions.Scope.ENGINE && d.name().equals(k)
                    && d.engines().stream().anyMatch(e -> FioOptions.engineSupport(e, d) != FioOptions.Support.NOT_MODELLED)) {
                keys.add(k);
            }
        }
        keys.addAll(List.of("ioengine", "zonemode", "zonesize", "zonecapacity", "zonerange", "zoneskip", "read_beyond_wp",
                "max_open_zones", "job_max_open_zones", "ignore_zone_limits", "zone_reset_threshold", "zone_reset_frequency",
                "rw", "bs", "size", "offset", "filename", "nrfiles", "filesize", "iodepth", "number_ios", "verify",
                "rate_min", "rate_iops_min", "rate_cycle", "fill_device", "io_submit_mode", "buffer_compress_percentage",
                "buffer_compress_chunk", "dedupe_percentage", "dedupe_mode", "dedupe_working_set_percentage",
                "dedupe_global", "numa_cpu_nodes", "numa_mem_policy", "buffer_pattern", "create_on_open", "openfiles",
                "rwmixread", "stonewall", "numjobs"));
        return List.copyOf(keys);
    }

    /** Values that break parsers, and other options' good values in the wrong place. */
    static final List<String> VALUES = List.of("", "0", "1", "-1", "2", "-0", "65535", "65536", "2147483647", "2147483648",
            "9223372036854775807", "99999999999999999999", "1e300", "nan", "0x", "0x10", "4k", "1m", "64g", "16p", "1.5",
            "50%", "150%", "abc", "tcp", "udp", "unix", "tcpv6", "udpv6", "nvme", "write_same", "verify", "write_stream",
            "zbd", "strided", "none", "randtrim", "trimwrite", "trim", "randwrite", "/dev/sdb", "/dev/ng0n1", "/dev/nvme0n1",
            "/dev/sda", "localhost", "239.0.0.0", "::1", "/tmp/sock", "bind:0", "interleave:0-1", "local", "prefer:9",
            "0-1", "0-4096", "working_set", "repeat", "offload", "inline", "4k/50:16k/50", "4k/50/1/3", "4k/200/9/9",
            ",", ":", "=", "4k-64k", "10ms", "1s", "stat", "statx", "noop", "qsort", "crc32c", "md5", "1,2", "${X}");

    /**
     * One mutation: a character or line edit (kinds 0-7, as in ParserMutationPropertiesTest), an
     * option line's value replaced (kind 8), or an option set on a new line below the first
     * section header (kind 9), its key one of {@code keys}.
     */
    record Mutation(int kind, int at, int length, char ch, int key, int value) {
        String apply(String s, List<String> keys) {
            if (kind < 8) {
                return new ParserMutationPropertiesTest.Edit(kind, at, length, ch).apply(s);
            }
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            String v = VALUES.get(Math.floorMod(value, VALUES.size()));
            if (kind == 8) {
                List<Integer> options = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("=") && !lines.get(i).startsWith("ioengine=")) { // the engine stays
                        options.add(i);
                    }
                }
                if (!options.isEmpty()) {
                    int li = options.get(Math.floorMod(at, options.size()));
                    String line = lines.get(li);
                    lines.set(li, line.substring(0, line.indexOf('=') + 1) + v);
                    return String.join("\n", lines);
                }
            }
            int li = 1 + Math.floorMod(at, Math.max(1, lines.size()));
            String k = keys.get(Math.floorMod(key, keys.size()));
            // a bare key now and then (a flag, or an option whose value is missing)
            lines.add(Math.min(li, lines.size()), length % 7 == 0 ? k : k + "=" + v);
            return String.join("\n", lines);
        }
    }

    /**
     * The keys worth setting in {@code job}: its own options, every simulated option of the
     * engines it names (so an option lands where its engine is loaded), and the zone and extra
     * options of {@link #KEYS} that belong to no engine.
     */
    static List<String> keysFor(String job) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        java.util.Set<String> engines = new java.util.HashSet<>();
        for (String line : job.split("\n")) {
            int eq = line.indexOf('=');
            String k = (eq < 0 ? line : line.substring(0, eq)).strip();
            if (!k.isEmpty() && !k.startsWith("[") && FioOptions.lookup(k) != null) {
                keys.add(k);
            }
            if (k.equals("ioengine") && eq > 0) {
                engines.add(line.substring(eq + 1).strip());
            }
        }
        if (engines.isEmpty()) {
            engines.add("psync");
        }
        for (String k : KEYS) {
            FioOptions.Def d = FioOptions.lookup(k);
            if (d.scope() != FioOptions.Scope.ENGINE || d.engines().stream().anyMatch(engines::contains)) {
                keys.add(k);
            }
        }
        return List.copyOf(keys);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 7)),
                        net.jqwik.api.Tuple.of(4, Arbitraries.just(8)), net.jqwik.api.Tuple.of(4, Arbitraries.just(9))),
                Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(1, 40),
                Arbitraries.of('0', '1', '9', '-', '=', ',', ':', ' ', '\n', 'k', 'x', '[', ']', '/', 'a'),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 10_000)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    private static String mutate(String text, List<Mutation> ms) {
        List<String> keys = keysFor(text);
        String s = text;
        for (Mutation m : ms) {
            s = m.apply(s, keys);
        }
        return s;
    }

    /** Parses, translates and runs {@code job} on {@code stack} as `stacksim fio --max-runtime` would. */
    private static void run(String stack, String job) {
        run(stack, job, stack.equals(SAS) ? DISK_RUNTIME_CAP_NS : RUNTIME_CAP_NS);
    }

    private static void run(String stack, String job, long capNs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("stacksim-engine-props");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JobFile jf = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir).parse(job, "t.fio", dir);
            if (jf.jobs().isEmpty()) {
                return;
            }
            List<JobSpec> specs = new ArrayList<>();
            for (JobFile.Section sec : jf.jobs()) {
                specs.add(JobTranslator.translate(sec.name(), jf.effectiveOptions(sec), sec.options(), false, null).spec()
                        .withRuntimeCap(capNs));
            }
            ConfigNode root = ConfigNode.parseYaml(new StringReader(stack), "stack.yaml");
            Simulation.run(root, specs, 400, null, false, false, dir, null);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp folder left behind is no test failure
        }
    }

    /** The run ends, or is refused with a one-line ConfigException; nothing else, and in time. */
    private static void runsOrRefusesCleanly(String stack, String job) {
        Future<?> f = POOL.submit(() -> {
            run(stack, job);
            return null;
        });
        try {
            f.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("no answer within " + TIMEOUT_S + " s for job:\n" + job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ConfigException ce) {
                assertThat(ce.getMessage()).as("one line for job:\n" + job).doesNotContain("\n").isNotBlank();
                return;
            }
            throw new AssertionError("not the one-line error type: " + c + " for job:\n" + job, c);
        }
    }

    // ------------------------------------------------------------------ the jobs

    /** Each job unmutated runs on its stack, so the mutations start from valid input. */
    @net.jqwik.api.Example
    void everyJobRunsUnmutatedOnItsStack() {
        String[][] jobs = {{LATENCY, NET_TCP}, {LATENCY, NET_UDP}, {LATENCY, NETSPLICE}, {SAS, SG}, {NVME, URING_CMD},
            {ZNS, ZBD}, {SMR, STRIDED}, {NVME, TRIM}, {EXT4, FILES}, {NVME, EXTRAS}, {LATENCY, CPUIO}};
        for (String[] j : jobs) {
            Future<?> f = POOL.submit(() -> {
                run(j[0], j[1]);
                return null;
            });
            try {
                f.get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new AssertionError("no answer within " + TIMEOUT_S + " s for job:\n" + j[1]);
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the unmutated job does not run:\n" + j[1], e);
            }
        }
    }

    @Property(tries = TRIES, seed = "3101", edgeCases = EdgeCasesMode.NONE)
    void aMutatedNetTcpJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(LATENCY, mutate(NET_TCP, m));
    }

    @Property(tries = TRIES, seed = "3102", edgeCases = EdgeCasesMode.NONE)
    void aMutatedNetUdpMulticastJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(LATENCY, mutate(NET_UDP, m));
    }

    @Property(tries = TRIES, seed = "3103", edgeCases = EdgeCasesMode.NONE)
    void aMutatedNetspliceJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(LATENCY, mutate(NETSPLICE, m));
    }

    @Property(tries = TRIES, seed = "3104", edgeCases = EdgeCasesMode.NONE)
    void aMutatedSgJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(SAS, mutate(SG, m));
    }

    @Property(tries = TRIES, seed = "3105", edgeCases = EdgeCasesMode.NONE)
    void aMutatedIoUringCmdJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(NVME, mutate(URING_CMD, m));
    }

    @Property(tries = TRIES, seed = "3106", edgeCases = EdgeCasesMode.NONE)
    void aMutatedZbdJobOnZnsRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(ZNS, mutate(ZBD, m));
    }

    @Property(tries = TRIES, seed = "3107", edgeCases = EdgeCasesMode.NONE)
    void aMutatedZonedJobOnSmrRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(SMR, mutate(STRIDED, m));
    }

    @Property(tries = TRIES, seed = "3108", edgeCases = EdgeCasesMode.NONE)
    void aMutatedTrimJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(NVME, mutate(TRIM, m));
    }

    @Property(tries = TRIES, seed = "3109", edgeCases = EdgeCasesMode.NONE)
    void aMutatedFileEngineJobOnExt4RunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(EXT4, mutate(FILES, m));
    }

    @Property(tries = TRIES, seed = "3110", edgeCases = EdgeCasesMode.NONE)
    void aMutatedJobWithCmdprioDedupeRateMinNumaAndFillDeviceRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(NVME, mutate(EXTRAS, m));
    }

    @Property(tries = TRIES, seed = "3111", edgeCases = EdgeCasesMode.NONE)
    void aMutatedCpuioJobRunsOrIsRefusedInOneLine(@ForAll("mutations") List<Mutation> m) {
        runsOrRefusesCleanly(LATENCY, mutate(CPUIO, m));
    }
}
