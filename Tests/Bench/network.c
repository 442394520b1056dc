/*
 * network.c: TCP over the loopback interface (lmbench lat_tcp, bw_tcp on localhost).
 *   tcp_loopback_latency    one byte to a child and back over a TCP connection with
 *                           TCP_NODELAY, per round trip;
 *   tcp_loopback_bandwidth  pipe_bandwidth's patterned stream (pipes.c) over a TCP connection:
 *                           64 KiB writes by a child, 64 KiB reads checked by the parent.
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

static int run_latency(const struct bench_spec *spec)
{
    int client, accepted;
    if (connected_pair(&client, &accepted) != 0) return -1;
    pid_t child = fork();
    if (child < 0) return bench_syscall_failed("fork");
    if (child == 0) {
        close(accepted);
        char byte;
        while (read(client, &byte, 1) == 1)
            if (write(client, &byte, 1) != 1) _exit(1);
        _exit(0);
    }
    close(client);
    struct bench_result result;
    int status = bench_measure(ping_unit, &accepted, &result);
    close(accepted);
    if (bench_wait_exit(child) != 0) status = -1;
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_bandwidth(const struct bench_spec *spec)
{
    int client, accepted;
    if (connected_pair(&client, &accepted) != 0) return -1;
    pid_t child = fork();
    if (child < 0) return bench_syscall_failed("fork");
    if (child == 0) {
        close(accepted);
        bench_stream_writer(client);
    }
    close(client);
    struct bench_stream_state state = {accepted, 0, malloc(CHUNK)};
    struct bench_result result;
    int status = state.buffer ? bench_measure(bench_stream_read_unit, &state, &result) : bench_fail("no memory");
    close(accepted);
    free(state.buffer);
    if (bench_wait_exit(child) != 0) status = -1;
    if (status == 0) bench_report(spec, &result);
    return status;
}

const struct bench_spec bench_network_specs[] = {
    {"tcp_loopback_latency", "network", BENCH_NS_PER_OP, run_latency},
    {"tcp_loopback_bandwidth", "network", BENCH_MB_PER_S, run_bandwidth},
    {0},
};
