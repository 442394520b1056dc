/* Copy-on-write after fork(2): data, bss, heap, stack, private anonymous
 * and private file mappings start identical in the child, and writes by
 * either side stay invisible to the other, through two generations. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/mman.h>

static char data_area[3 * 4096] = {1};
static char bss_area[5 * 4096];

struct regions {
    char *data, *bss, *heap, *anon, *file, *stack;
    size_t data_len, bss_len, heap_len, anon_len, file_len, stack_len;
};

static int all_equal(const char *p, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

static void fill(struct regions *r, char c)
{
    memset(r->data, c, r->data_len);
    memset(r->bss, c, r->bss_len);
    memset(r->heap, c, r->heap_len);
    memset(r->anon, c, r->anon_len);
    memset(r->file, c, r->file_len);
    memset(r->stack, c, r->stack_len);
}

static int check(struct regions *r, char c)
{
    return all_equal(r->data, r->data_len, c) && all_equal(r->bss, r->bss_len, c) &&
           all_equal(r->heap, r->heap_len, c) && all_equal(r->anon, r->anon_len, c) &&
           all_equal(r->file, r->file_len, c) && all_equal(r->stack, r->stack_len, c);
}

int main(void)
{
    if (test_enter_scratch_dir("fork_cow") != 0)
        return test_finish("fork_cow");
    static char file_data[4 * 4096];
    memset(file_data, 'F', sizeof file_data);
    CHECK_OK(apus_write_file("f", file_data, sizeof file_data));
    int fd = open("f", O_RDONLY);

    char stack_area[2 * 4096];
    struct regions r = {
        .data = data_area, .data_len = sizeof data_area,
        .bss = bss_area, .bss_len = sizeof bss_area,
        .heap = malloc(1 << 20), .heap_len = 1 << 20,
        .anon = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        .anon_len = 64 * 4096,
        .file = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
        .file_len = 4 * 4096,
        .stack = stack_area, .stack_len = sizeof stack_area,
    };
    CHECK(r.heap && r.anon != MAP_FAILED && r.file != MAP_FAILED, "regions allocated");
    if (!r.heap || r.anon == MAP_FAILED || r.file == MAP_FAILED)
        return test_finish("fork_cow");
    fill(&r, 'P');

    int to_child[2], to_parent[2];
    CHECK_OK(pipe(to_child));
    CHECK_OK(pipe(to_parent));
    char token;
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK(check(&r, 'P'), "child sees the parent's data");
        fill(&r, 'C');
        CHECK(check(&r, 'C'), "child's own writes");
        if (write(to_parent[1], "1", 1) != 1 || read(to_child[0], &token, 1) != 1)
            _exit(2);
        /* The parent has written 'Q' meanwhile: we still see 'C'. */
        CHECK(check(&r, 'C'), "parent's later writes invisible to the child");

        /* A grandchild shares the child's pages copy-on-write too. */
        pid_t g = test_fork();
        if (g == 0) {
            CHECK(check(&r, 'C'), "grandchild sees the child's data");
            fill(&r, 'G');
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(g), 0);
        CHECK(check(&r, 'C'), "grandchild's writes invisible to the child");
        test_child_exit();
    }
    CHECK_EQ_LONG(read(to_parent[0], &token, 1), 1);
    CHECK(check(&r, 'P'), "child's writes invisible to the parent");
    fill(&r, 'Q');
    CHECK_EQ_LONG(write(to_child[1], "2", 1), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK(check(&r, 'Q'), "parent's data intact after the child exited");

    /* The file itself never saw any private write. */
    char back[16];
    CHECK_EQ_LONG(pread(fd, back, sizeof back, 4096), sizeof back);
    CHECK(all_equal(back, sizeof back, 'F'), "private file mapping writes not in the file");

    /* Many forks in a row, each child writing everything: the parent's memory holds. */
    for (int i = 0; i < 8; i++) {
        pid = test_fork();
        if (pid == 0) {
            fill(&r, (char)('a' + i));
            _exit(check(&r, (char)('a' + i)) ? 0 : 1);
        }
        CHECK_EQ_LONG(child_exit_status(pid), 0);
    }
    CHECK(check(&r, 'Q'), "parent intact after 8 children");
    close(fd);
    test_leave_scratch_dir();
    return test_finish("fork_cow");
}
