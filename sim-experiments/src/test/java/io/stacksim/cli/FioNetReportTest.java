package io.stacksim.cli;

import static io.stacksim.cli.RunCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The net engines' report as fio 3.33 prints it (checked against its output on this machine). */
class FioNetReportTest {
    @TempDir
    Path dir;

    private static String pair(String engine) {
        return "[global]\nioengine=" + engine + "\nport=8888\nprotocol=tcp\nbs=16k\nsize=8m\n"
                + "[receiver]\nlisten\nrw=read\n[sender]\nhostname=localhost\nstartdelay=1\nrw=write\n";
    }

    @Test
    void netReportsBandwidthInBitsAndNetspliceInBytes() throws IOException {
        // init.c: unit_base 0 becomes N2S_BITPERSEC for an engine flagged FIO_BIT_BASED (net, not netsplice)
        Path net = dir.resolve("net.fio");
        Files.writeString(net, pair("net"));
        RunCommandTest.Outcome o = cli("fio", net.toString());
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("Starting 2 processes\nfio: waiting for connection\n")
                .containsPattern("read: IOPS=[0-9.k]+, BW=[0-9.]+[KMG]ibit/s \\([0-9.]+[kMG]bit/s\\)")
                .containsPattern("READ: bw=[0-9.]+[KMG]ibit/s");
        Path splice = dir.resolve("splice.fio");
        Files.writeString(splice, pair("netsplice"));
        RunCommandTest.Outcome s = cli("fio", splice.toString());
        assertThat(s.code()).isZero();
        assertThat(s.out()).containsPattern("BW=[0-9.]+[KMG]iB/s").doesNotContain("ibit/s");
    }

    @Test
    void unitBaseEightKeepsBytesForNet() throws IOException {
        Path net = dir.resolve("net8.fio");
        Files.writeString(net, pair("net").replace("bs=16k", "bs=16k\nunit_base=8"));
        assertThat(cli("fio", net.toString()).out()).containsPattern("BW=[0-9.]+[KMG]iB/s").doesNotContain("ibit/s");
    }
}
