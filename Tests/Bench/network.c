/*
 * network.c: TCP over the loopback interface (lmbench lat_tcp, bw_tcp on localhost) and
 * AF_UNIX stream sockets (lmbench bw_unix).
 *   tcp_loopback_latency    one byte to a child and back over a TCP connection with
 *                           TCP_NODELAY, per round trip;
 *   tcp_loopback_bandwidth  pipe_bandwidth's patterned stream (pipes.c) over a TCP connection:
 *                           64 KiB writes by a child, 64 KiB reads checked by the parent;
 *   unix_stream_bandwidth   the same stream through an AF_UNIX SOCK_STREAM socket pair;
 *   udp_loopback_latency    one byte to a child and back over two connected UDP sockets on
 *                           127.0.0.1 (lmbench lat_udp), per round trip; an empty datagram
 *                           tells the child to stop.
 * Every row forks a child on one end of a connected pair and measures on the other
 * (measure_with_child).
 * Linux booted with this program as init has lo down: it is brought up first (SIOCSIFFLAGS,
 * which gives it 127.0.0.1/8); Apus's lo is always up.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TRIPS_PER_UNIT 100
#define CHUNK 65536

static int loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return bench_syscall_failed("socket");
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strcpy(request.ifr_name, "lo");
    int status = 0;
    if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
        status = bench_syscall_failed("SIOCGIFFLAGS");
    } else if (!(request.ifr_flags & IFF_UP)) {
        request.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) status = bench_syscall_failed("SIOCSIFFLAGS");
    }
    close(fd);
    return status;
}

/* A connected pair: *accepted is the server's end, *client the child's (made before fork). */
static int connected_pair(int *client, int *accepted)
{
    if (loopback_up() != 0) return -1;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    if (server < 0) return bench_syscall_failed("socket");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(server, (struct sockaddr *)&address, sizeof address) != 0 || listen(server, 1) != 0
        || getsockname(server, (struct sockaddr *)&address, &length) != 0) {
        close(server);
        return bench_syscall_failed("bind/listen");
    }
    *client = socket(AF_INET, SOCK_STREAM, 0);
    if (*client < 0 || connect(*client, (struct sockaddr *)&address, sizeof address) != 0) {
        close(server);
        return bench_syscall_failed("connect");
    }
    *accepted = accept(server, NULL, NULL);
    close(server);
    if (*accepted < 0) return bench_syscall_failed("accept");
    int one = 1;
    setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(*accepted, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

static long ping_unit(void *raw)
{
    int fd = *(int *)raw;
    for (int i = 0; i < TRIPS_PER_UNIT; i++) {
        char byte = (char)i;
        if (write(fd, &byte, 1) != 1) return bench_syscall_failed("write");
        if (read(fd, &byte, 1) != 1) return bench_syscall_failed("read");
        if (byte != (char)i) return bench_fail("echo returned %d for %d", byte, i);
    }
    return TRIPS_PER_UNIT;
}

/* The child's side of the latency rows: echo every byte until EOF (TCP) or an empty datagram
 * (UDP). */
static void echo_child(int fd)
{
    char byte;
    while (read(fd, &byte, 1) == 1)
        if (write(fd, &byte, 1) != 1) _exit(1);
    _exit(0);
}

/* Forks a child that runs `child_body` (which never returns) on `child_end`, measures `unit`
 * on `state` in the parent, which holds `parent_end`, and reports the row. `hang_up` (if any)
 * tells the child to stop before the parent closes its end; closing alone does for streams.
 * Closes both ends. */
static int measure_with_child(const struct bench_spec *spec, int parent_end, int child_end,
                              void (*child_body)(int), long (*unit)(void *), void *state,
                              int (*hang_up)(int))
{
    pid_t child = fork();
    if (child < 0) {
        close(parent_end);
        close(child_end);
        return bench_syscall_failed("fork");
    }
    if (child == 0) {
        close(parent_end);
        child_body(child_end);
        _exit(1);
    }
    close(child_end);
    struct bench_result result;
    int status = bench_measure(unit, state, &result);
    if (hang_up && hang_up(parent_end) != 0) status = -1;
    close(parent_end);
    if (bench_wait_exit(child) != 0) status = -1;
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_latency(const struct bench_spec *spec)
{
    int client, accepted;
    if (connected_pair(&client, &accepted) != 0) return -1;
    return measure_with_child(spec, accepted, client, echo_child, ping_unit, &accepted, NULL);
}

/* The stream rows: the child writes the pattern on `child_end`, the parent reads and checks. */
static int measure_stream(const struct bench_spec *spec, int parent_end, int child_end)
{
    struct bench_stream_state state = {parent_end, 0, malloc(CHUNK)};
    if (!state.buffer) {
        close(parent_end);
        close(child_end);
        return bench_fail("no memory");
    }
    int status = measure_with_child(spec, parent_end, child_end, bench_stream_writer, bench_stream_read_unit, &state, NULL);
    free(state.buffer);
    return status;
}

static int run_bandwidth(const struct bench_spec *spec)
{
    int client, accepted;
    if (connected_pair(&client, &accepted) != 0) return -1;
    return measure_stream(spec, accepted, client);
}

static int run_unix_bandwidth(const struct bench_spec *spec)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return bench_syscall_failed("socketpair");
    return measure_stream(spec, pair[0], pair[1]);
}

/* Two UDP sockets on 127.0.0.1, each bound to a port of the kernel's choice and connected to
 * the other's. */
static int udp_pair(int *first, int *second)
{
    if (loopback_up() != 0) return -1;
    int fds[2];
    struct sockaddr_in addresses[2];
    for (int i = 0; i < 2; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        if (fds[i] < 0) {
            if (i == 1) close(fds[0]);
            return bench_syscall_failed("socket");
        }
        addresses[i] = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t length = sizeof addresses[i];
        if (bind(fds[i], (struct sockaddr *)&addresses[i], sizeof addresses[i]) != 0
            || getsockname(fds[i], (struct sockaddr *)&addresses[i], &length) != 0) {
            for (int j = 0; j <= i; j++) close(fds[j]);
            return bench_syscall_failed("bind");
        }
    }
    if (connect(fds[0], (struct sockaddr *)&addresses[1], sizeof addresses[1]) != 0
        || connect(fds[1], (struct sockaddr *)&addresses[0], sizeof addresses[0]) != 0) {
        close(fds[0]);
        close(fds[1]);
        return bench_syscall_failed("connect");
    }
    *first = fds[0];
    *second = fds[1];
    return 0;
}

/* The empty datagram that ends the UDP echo child. */
static int udp_hang_up(int fd)
{
    if (send(fd, "", 0, 0) != 0) return bench_syscall_failed("send");
    return 0;
}

static int run_udp_latency(const struct bench_spec *spec)
{
    int parent_end = -1, child_end = -1;
    if (udp_pair(&parent_end, &child_end) != 0) return -1;
    return measure_with_child(spec, parent_end, child_end, echo_child, ping_unit, &parent_end, udp_hang_up);
}

const struct bench_spec bench_network_specs[] = {
    {"tcp_loopback_latency", "network", BENCH_NS_PER_OP, run_latency},
    {"tcp_loopback_bandwidth", "network", BENCH_MB_PER_S, run_bandwidth},
    {"unix_stream_bandwidth", "network", BENCH_MB_PER_S, run_unix_bandwidth},
    {"udp_loopback_latency", "network", BENCH_NS_PER_OP, run_udp_latency},
    {0},
};
