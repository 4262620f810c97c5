package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.config.ConfigException;
import io.stacksim.workload.JobStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's net and netsplice engines (engines/net.c) over the loopback device: a listening job and
 * one connecting to localhost, ping-pong, UDP multicast, and fio's own accounting and report.
 */
class FioNetEngineTest {
    @TempDir
    Path dir;

    private static String pair(String global, String size) {
        return "[global]\nioengine=net\nport=8888\nprotocol=tcp\nsize=" + size + "\n" + global
                + "\n[receiver]\nlisten\nrw=read\n\n[sender]\nhostname=localhost\nstartdelay=1\nrw=write\n";
    }

    @Test
    void aListeningJobReceivesWhatTheConnectingJobSendsAndItsClockStartsAtTheConnection() {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, pair("bs=64k", "64m"));
        JobStats rx = FioHarness.job(r, "receiver");
        JobStats tx = FioHarness.job(r, "sender");
        assertThat(tx.bytes[1]).isEqualTo(64L << 20);
        // every 64 KiB read whole or short; fio counts only what the last piece of a short read moved
        assertThat(rx.bytes[0]).isPositive().isLessThanOrEqualTo(64L << 20);
        assertThat(rx.bytes[0] + rx.shortIos[0] * (64L << 10)).isGreaterThanOrEqualTo(64L << 20);
        // reset_all_stats at accept: the receiver's run time is the transfer's, not the sender's 1 s start delay
        assertThat(rx.runtimeMs[0]).isLessThan(500);
        assertThat(Math.abs(rx.runtimeMs[0] - tx.runtimeMs[1])).isLessThanOrEqualTo(2);
    }

    @Test
    void pingpongLatencyIsOneRoundTripAndSmallerMessagesAnswerFaster() {
        JobStats small = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, pair("bs=64\npingpong=1", "640k")),
                "sender");
        JobStats big = FioHarness.job(FioHarness.run(dir, FioHarness.STACK, pair("bs=64k\npingpong=1", "64m")),
                "sender");
        assertThat(small.totalIos[1]).isEqualTo(10240);
        assertThat(small.shortIos[1]).isZero();
        // one unit = a send and the answer's receive: at least the two trips' stack costs (2 x (1 + 1) us)
        assertThat(small.clatStat[1].mean()).isGreaterThan(4_000);
        // 64 KiB each way adds the copies on the critical path: per direction the sender's whole
        // copy_from_user, then the receiver's copy of the last of the two MSS-sized packets (it
        // copied the first while the second was being sent): 1.5 x 64 KiB, three in all at 7.5 GB/s
        double copy64k = 65536 / 7.5e9 * 1e9;
        assertThat(big.clatStat[1].mean() - small.clatStat[1].mean()).isBetween(3 * copy64k * 0.95, 4 * copy64k);
    }

    @Test
    void netspliceCopiesOnlyOnTheReceivingSide() {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, pair("bs=16k", "16m").replace("ioengine=net",
                "ioengine=netsplice"));
        // vmsplice + splice to the socket: the sender's pages become packet fragments, no copy;
        // splice from the socket references them, the vmsplice out of the pipe copies once.
        assertThat(r.metrics().get("os.cpu_copy_bytes").longValue()).isBetween(16L << 20, (16L << 20) + 4096);
    }

    @Test
    void netspliceWithAUnitLargerThanThePipeTakesBlocksForeverAsFioDoes() {
        // fio 3.33 on this machine: netsplice with bs=4k runs, with bs=64k it never finishes - the
        // receiver's splice_io_u loops on a pipe its own packets' page pieces (32741-byte MSS, not
        // page aligned) have filled before 64 KiB are in.
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, pair("bs=64k", "1m").replace("ioengine=net",
                "ioengine=netsplice"))).isInstanceOf(ConfigException.class).hasMessageContaining("blocks forever")
                .hasMessageContaining("receiver");
    }

    @Test
    void multicastReachesEveryReaderAndTheWriterWaitsForThePingpongAnswer() {
        RunResult r = FioHarness.run(dir, FioHarness.STACK, """
                [global]
                ioengine=net
                protocol=udp
                bs=64
                size=64k
                port=10000
                hostname=239.0.0.0
                ttl=1
                [pingpong_reader]
                pingpong=1
                rw=read
                [normal_reader]
                rw=read
                [pingpong_writer]
                startdelay=1
                pingpong=1
                rw=write
                """);
        JobStats w = FioHarness.job(r, "pingpong_writer");
        JobStats pr = FioHarness.job(r, "pingpong_reader");
        JobStats nr = FioHarness.job(r, "normal_reader");
        assertThat(w.totalIos[1]).isEqualTo(1024);
        // each reader gets its own copy of every datagram (a reader paced by the writer drops none)
        assertThat(pr.bytes[0]).isEqualTo(64 << 10);
        assertThat(nr.bytes[0] + nr.dropIos[0] * 64).isEqualTo(64 << 10);
        // ttl=1 still sends the group's datagrams out of the NIC (ip_mc_output): one DMA per datagram
        assertThat(r.metrics().get("net.tx.packets").longValue()).isGreaterThanOrEqualTo(1025);
    }

    @Test
    void aListenerNobodyConnectsToIsRefusedInsteadOfWaitingForEver() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[r]\nioengine=net\nport=9200\nlisten\n"
                + "rw=read\nsize=1m\n")).isInstanceOf(ConfigException.class).hasMessageContaining("job 'r' waits")
                .hasMessageContaining("port 9200");
    }

    @Test
    void aPingpongSenderToARemoteHostWaitsOneNetworkRoundTripPerUnit() {
        JobStats s = FioHarness.job(FioHarness.run(dir, FioHarness.STACK + "net: {tcp: {rtt: 100us}}\n",
                "[s]\nioengine=net\nport=9100\nhostname=10.0.0.2\nbs=4k\nsize=400k\nrw=write\npingpong=1\n"), "s");
        assertThat(s.totalIos[1]).isEqualTo(100);
        // the peer answers each 4 KiB unit: at least the 100 us propagation round trip per unit
        assertThat(s.clatStat[1].mean()).isGreaterThan(100_000).isLessThan(150_000);
    }

    @Test
    void fioRefusalsOfBadNetJobsAreOneLine() {
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[n]\nioengine=net\nrw=write\nsize=1m\n"
                + "hostname=localhost\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("requires port");
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[n]\nioengine=net\nport=1\nrw=randread\n"
                + "size=1m\nlisten\n")).isInstanceOf(ConfigException.class).hasMessageContaining("can't be random");
        assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[n]\nioengine=net\nport=1\nrw=read\n"
                + "size=1m\n")).isInstanceOf(ConfigException.class).hasMessageContaining("listen");
    }

    @Test
    void aHostNameNoResolverCouldResolveIsRefusedAtItsLineAsFioFailsToResolveIt() {
        // getaddrinfo fails for a name with a space or an underscore, or under RFC 6761's .invalid
        for (String host : new String[] {"no.such.host.invalid", "bad_name", "a..b", "-x"}) {
            assertThatThrownBy(() -> FioHarness.run(dir, FioHarness.STACK, "[n]\nioengine=net\nport=9000\nrw=write\n"
                    + "size=64k\nhostname=" + host + "\n")).as(host).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("t.fio:6: job 'n': failed to resolve host '" + host + "'");
        }
    }
}
