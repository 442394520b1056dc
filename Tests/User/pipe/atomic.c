/* PIPE_BUF atomicity (pipe(7)): concurrent writers of PIPE_BUF-sized
 * records never interleave; the reader sees whole records whatever sizes
 * it reads with, and EOF once every writer is gone. */
#include "apus_test.h"
#include <limits.h>

#define WRITERS 4
#define RECORDS 300

int main(void)
{
    CHECK_EQ_LONG(PIPE_BUF, 4096);
    int p[2];
    CHECK_OK(pipe(p));
    pid_t kids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        kids[w] = test_fork();
        if (kids[w] == 0) {
            close(p[0]);
            static char rec[PIPE_BUF];
            for (int r = 0; r < RECORDS; r++) {
                memset(rec, 'A' + w, sizeof rec);
                rec[0] = (char)r;  /* a sequence number per writer */
                if (write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(p[1]);

    static char stream[WRITERS * RECORDS * PIPE_BUF + 1];
    size_t have = 0;
    size_t chunk = 1000;
    for (;;) {
        if (have >= sizeof stream)
            break;
        size_t want = chunk;
        if (want > sizeof stream - have)
            want = sizeof stream - have;
        ssize_t r = read(p[0], stream + have, want);
        if (r <= 0)
            break;
        have += (size_t)r;
        chunk = chunk * 7 % 9000 + 1; /* odd read sizes */
    }
    CHECK_EQ_LONG(have, WRITERS * RECORDS * PIPE_BUF);

    int next_seq[WRITERS] = {0};
    int torn = 0, out_of_order = 0;
    for (size_t off = 0; off + PIPE_BUF <= have; off += PIPE_BUF) {
        char id = stream[off + 1];
        int w = id - 'A';
        if (w < 0 || w >= WRITERS) {
            torn++;
            continue;
        }
        for (size_t i = 1; i < PIPE_BUF; i++)
            if (stream[off + i] != id) {
                torn++;
                break;
            }
        if ((unsigned char)stream[off] != (unsigned char)(next_seq[w] & 0xff))
            out_of_order++;
        next_seq[w]++;
    }
    CHECK_EQ_LONG(torn, 0);
    CHECK_EQ_LONG(out_of_order, 0);
    for (int w = 0; w < WRITERS; w++) {
        CHECK_EQ_LONG(next_seq[w], RECORDS);
        CHECK_EQ_LONG(child_exit_status(kids[w]), 0);
    }
    char c;
    CHECK_EQ_LONG(read(p[0], &c, 1), 0);
    close(p[0]);
    return test_finish("atomic");
}
