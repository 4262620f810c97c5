// Per-call CPU cost of send() and recv() of small messages on a loopback TCP connection.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <time.h>
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    int sz = argc > 1 ? atoi(argv[1]) : 64;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(l, (void*)&a, sizeof a); socklen_t al = sizeof a; getsockname(l, (void*)&a, &al); listen(l, 8);
    int c = socket(AF_INET, SOCK_STREAM, 0); connect(c, (void*)&a, sizeof a); int s = accept(l, NULL, NULL);
    int one = 1; setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int big = 16 << 20; setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big); setsockopt(c, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    char *buf = calloc(1, sz > 65536 ? sz : 65536);
    int batch = 64, rounds = 2000;
    double ts = 0, tr = 0;
    for (int r = 0; r < rounds; r++) {
        double t = cpu();
        for (int i = 0; i < batch; i++) if (send(c, buf, sz, 0) != sz) { perror("send"); return 1; }
        ts += cpu() - t;
        long want = (long) sz * batch;
        t = cpu();
        while (want > 0) { long n = recv(s, buf, sz, 0); if (n <= 0) { perror("recv"); return 1; } want -= n; }
        tr += cpu() - t;
    }
    double t = cpu(); for (int i = 0; i < 1000000; i++) getppid(); double sys = (cpu() - t);
    printf("size %d: send %.3f us/call (TX + loopback RX softirq), recv %.3f us/call, getppid %.3f us\n", sz, ts / (rounds * batch) * 1e6, tr / (rounds * batch) * 1e6, sys);
    return 0;
}
