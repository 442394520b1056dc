/*
 * files.c: file bandwidth on the in-memory root file system (lmbench bw_file_rd style), with
 * 4 KiB and 64 KiB requests.
 *   file_write_*  open(O_TRUNC) + write 8 MiB + close, counted whole (allocation included);
 *   file_read_*   read the 8 MiB file from offset 0 (pread), checking every request's length
 *                 and its first byte against the pattern the writer put there.
 * The file lives under /tmp (rootfs on Linux, RamFS on Apus) and is removed afterwards.
 */
#include "bench.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_BYTES (8l << 20)
static const char path[] = "/tmp/apus-bench/file-bandwidth";

struct file_state {
    size_t request;
    char *buffer;
    int fd;
};

/* Byte at `offset` of the file: changes with each 4 KiB block, so a misplaced block shows. */
static char pattern(long offset) { return (char)(offset / 4096 * 7 + 1); }

static void fill(char *buffer, size_t request, long offset)
{
    for (size_t i = 0; i < request; i += 4096) buffer[i] = pattern(offset + (long)i);
}

static long write_unit(void *raw)
{
    struct file_state *state = raw;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return bench_syscall_failed("open");
    for (long offset = 0; offset < FILE_BYTES; offset += (long)state->request) {
        fill(state->buffer, state->request, offset);
        if (write(fd, state->buffer, state->request) != (ssize_t)state->request) {
            close(fd);
            return bench_syscall_failed("write");
        }
    }
    if (close(fd) != 0) return bench_syscall_failed("close");
    return FILE_BYTES;
}

static long read_unit(void *raw)
{
    struct file_state *state = raw;
    for (long offset = 0; offset < FILE_BYTES; offset += (long)state->request) {
        ssize_t got = pread(state->fd, state->buffer, state->request, offset);
        if (got != (ssize_t)state->request) {
            if (got < 0) return bench_syscall_failed("pread");
            return bench_fail("pread at %ld returned %zd of %zu bytes", offset, got, state->request);
        }
        if (state->buffer[0] != pattern(offset)) return bench_fail("wrong data at offset %ld", offset);
    }
    return FILE_BYTES;
}

enum direction { WRITING, READING };

static int run_file(const struct bench_spec *spec, size_t request, enum direction direction)
{
    struct file_state state = {.request = request, .buffer = malloc(request), .fd = -1};
    if (!state.buffer) return bench_fail("no memory for the buffer");
    for (size_t i = 0; i < request; i++) state.buffer[i] = (char)i;
    mkdir("/tmp/apus-bench", 0755);
    int status = 0;
    struct bench_result result;
    if (direction == WRITING) {
        status = bench_measure(write_unit, &state, &result);
    } else if (write_unit(&state) == FILE_BYTES) {
        state.fd = open(path, O_RDONLY);
        status = state.fd < 0 ? bench_syscall_failed("open") : bench_measure(read_unit, &state, &result);
        if (state.fd >= 0) close(state.fd);
    } else {
        status = -1;
    }
    unlink(path);
    free(state.buffer);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_write_4k(const struct bench_spec *spec) { return run_file(spec, 4096, WRITING); }
static int run_read_4k(const struct bench_spec *spec) { return run_file(spec, 4096, READING); }
static int run_write_64k(const struct bench_spec *spec) { return run_file(spec, 65536, WRITING); }
static int run_read_64k(const struct bench_spec *spec) { return run_file(spec, 65536, READING); }

const struct bench_spec bench_file_specs[] = {
    {"file_write_4k", "file", BENCH_MB_PER_S, run_write_4k},
    {"file_read_4k", "file", BENCH_MB_PER_S, run_read_4k},
    {"file_write_64k", "file", BENCH_MB_PER_S, run_write_64k},
    {"file_read_64k", "file", BENCH_MB_PER_S, run_read_64k},
    {0},
};
