// Measures the kernel's per-descriptor costs of poll/select/epoll on idle loopback TCP sockets.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <time.h>
#include <errno.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static int nconn;
static int *srv, *cli;

static void setup(int n) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1; setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = 0;
    if (bind(l, (void*)&a, sizeof a)) { perror("bind"); exit(1); }
    socklen_t al = sizeof a; getsockname(l, (void*)&a, &al);
    listen(l, 65535);
    srv = calloc(n, sizeof(int)); cli = calloc(n, sizeof(int));
    for (int i = 0; i < n; i++) {
        cli[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(cli[i], (void*)&a, sizeof a)) { perror("connect"); exit(1); }
        srv[i] = accept(l, NULL, NULL);
        if (srv[i] < 0) { perror("accept"); exit(1); }
        setsockopt(cli[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    nconn = n;
}

static void make_ready(int i) { char c = 'x'; if (write(cli[i], &c, 1) != 1) { perror("write"); exit(1); } }
static void drain(int i) { char c; if (read(srv[i], &c, 1) != 1) { perror("read"); exit(1); } }

int main(int argc, char **argv) {
    int maxn = argc > 1 ? atoi(argv[1]) : 8000;
    int sizes[] = {10, 100, 500, 1000, 2000, 4000, 8000};
    setup(maxn);
    struct pollfd *pf = calloc(maxn, sizeof *pf);
    srand(1);
    printf("n, poll_t0_us, poll_block_last_us, poll_block_first_us, epoll_1ready_us, select_us\n");
    for (int s = 0; s < 7; s++) {
        int n = sizes[s]; if (n > maxn) break;
        for (int i = 0; i < n; i++) { pf[i].fd = srv[i]; pf[i].events = POLLIN; }
        int reps = n <= 1000 ? 20000 : 2000;
        // poll, timeout 0: one scan, no wait-queue entries; one ready descriptor at the last position
        make_ready(n - 1);
        double t = now();
        for (int r = 0; r < reps; r++) if (poll(pf, n, 0) != 1) { fprintf(stderr, "poll!=1\n"); exit(1); }
        double p0 = (now() - t) / reps * 1e6;
        // poll, blocking, ready one last: wait-queue entries are added for the n-1 before it
        t = now();
        for (int r = 0; r < reps; r++) if (poll(pf, n, -1) != 1) exit(1);
        double pl = (now() - t) / reps * 1e6;
        drain(n - 1);
        // poll, blocking, ready one first: after it no entries are added (pt->_qproc = NULL)
        make_ready(0);
        t = now();
        for (int r = 0; r < reps; r++) if (poll(pf, n, -1) != 1) exit(1);
        double pf0 = (now() - t) / reps * 1e6;
        drain(0);
        // epoll with n registered, one ready (level-triggered)
        int ep = epoll_create1(0);
        for (int i = 0; i < n; i++) { struct epoll_event e = {.events = EPOLLIN, .data.u32 = i}; epoll_ctl(ep, EPOLL_CTL_ADD, srv[i], &e); }
        make_ready(n / 2);
        struct epoll_event ev[64];
        t = now();
        for (int r = 0; r < reps; r++) if (epoll_wait(ep, ev, 64, 0) != 1) exit(1);
        double e1 = (now() - t) / reps * 1e6;
        drain(n / 2);
        close(ep);
        // select (only while every fd < FD_SETSIZE)
        double se = -1;
        int maxfd = 0; for (int i = 0; i < n; i++) if (srv[i] > maxfd) maxfd = srv[i];
        if (maxfd < FD_SETSIZE) {
            make_ready(n - 1);
            fd_set base; FD_ZERO(&base); for (int i = 0; i < n; i++) FD_SET(srv[i], &base);
            struct timeval tv0;
            t = now();
            for (int r = 0; r < reps; r++) { fd_set rs = base; tv0.tv_sec = 0; tv0.tv_usec = 0; if (select(maxfd + 1, &rs, NULL, NULL, &tv0) != 1) exit(1); }
            se = (now() - t) / reps * 1e6;
            drain(n - 1);
        }
        printf("%d, %.3f, %.3f, %.3f, %.3f, %.3f\n", n, p0, pl, pf0, e1, se);
    }
    // epoll_wait per ready item: k ready among maxn
    int ep = epoll_create1(0);
    for (int i = 0; i < maxn; i++) { struct epoll_event e = {.events = EPOLLIN, .data.u32 = i}; epoll_ctl(ep, EPOLL_CTL_ADD, srv[i], &e); }
    struct epoll_event ev[512];
    printf("k_ready, epoll_wait_us\n");
    int ks[] = {1, 8, 64, 256, 512};
    for (int s = 0; s < 5; s++) {
        int k = ks[s];
        for (int i = 0; i < k; i++) make_ready(i * (maxn / k));
        usleep(1000);
        int reps = 20000;
        double t = now();
        for (int r = 0; r < reps; r++) if (epoll_wait(ep, ev, 512, 0) != k) { fprintf(stderr, "ep!=k\n"); exit(1); }
        printf("%d, %.3f\n", k, (now() - t) / reps * 1e6);
        for (int i = 0; i < k; i++) drain(i * (maxn / k));
    }
    // epoll_ctl add+del cost
    int ep2 = epoll_create1(0);
    int reps = 200000; double t = now();
    for (int r = 0; r < reps; r++) { struct epoll_event e = {.events = EPOLLIN}; epoll_ctl(ep2, EPOLL_CTL_ADD, srv[r % maxn], &e); epoll_ctl(ep2, EPOLL_CTL_DEL, srv[r % maxn], NULL); }
    printf("epoll_ctl add+del pair: %.3f us\n", (now() - t) / reps * 1e6);
    // getppid baseline syscall
    t = now(); for (int r = 0; r < 1000000; r++) getppid(); printf("getppid: %.3f us\n", (now() - t)); /* 10^6 calls: seconds = us per call */
    return 0;
}
