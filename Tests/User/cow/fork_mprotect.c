/* Copy-on-write across fork(2) whatever the order of fault, mprotect(2) and
 * write: a page that was read-only (or PROT_NONE) at fork and is made
 * writable afterwards is still copied on the first write, so the write is
 * seen by neither the other process nor the file. Orders, each on its own
 * mapping: file page read -> fork -> mprotect RW -> write, in the child and
 * in the parent; anonymous page write -> RO -> fork -> RW -> write on both
 * sides; private file copy write -> RO -> fork -> RW -> write; anonymous page
 * write -> PROT_NONE -> fork -> RW -> write; RW file page read -> fork ->
 * write on both sides. */
#include "apus_test.h"
#include <sys/mman.h>

#define PAGE 4096

static int to_child[2], to_parent[2];

static void tell(int fd) { CHECK(write(fd, "x", 1) == 1, "pipe write"); }
static void await(int fd)
{
    char c;
    CHECK(read(fd, &c, 1) == 1, "pipe read");
}

static int file_byte(int fd, off_t offset)
{
    char c = 0;
    return pread(fd, &c, 1, offset) == 1 ? c : -1;
}

/* Runs one order: `before` is set up; after fork the child runs its step
 * (mprotect + write `child_value`), then the parent checks it still sees
 * `before_value` and runs its own step (mprotect + write `parent_value`),
 * then the child checks it still sees its own value. A zero value skips
 * that side's write. */
static void fork_order(const char *order, char *p, char before_value, char child_value, char parent_value)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        if (child_value) {
            CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
            p[10] = child_value;
            CHECK(p[10] == child_value, order);
        }
        tell(to_parent[1]);
        await(to_child[0]);
        CHECK(p[10] == (child_value ? child_value : before_value), order);
        test_child_exit();
    }
    await(to_parent[0]);
    CHECK(p[10] == before_value, order);
    if (parent_value) {
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        p[10] = parent_value;
        CHECK(p[10] == parent_value, order);
    }
    tell(to_child[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
}

/* What happens before the fork: a read fault, or a write (the page becomes
 * the process's own) followed by mprotect(PROT_READ). */
enum before_fork { READ_FAULT, WRITE_THEN_READ_ONLY };

static const struct order {
    const char *name;
    int protection;
    int is_anonymous;
    off_t offset;
    enum before_fork before_fork;
    char child_value, parent_value;
} orders[] = {
    {"file read -> fork -> RW -> write in the child", PROT_READ, 0, 0, READ_FAULT, 'c', 0},
    {"file read -> fork -> RW -> write in the parent", PROT_READ, 0, PAGE, READ_FAULT, 0, 'p'},
    {"anonymous write -> RO -> fork -> RW -> write", PROT_READ | PROT_WRITE, 1, 0, WRITE_THEN_READ_ONLY, 'c', 'p'},
    {"file copy write -> RO -> fork -> RW -> write", PROT_READ | PROT_WRITE, 0, 2 * PAGE, WRITE_THEN_READ_ONLY, 'c', 'p'},
    {"RW file read -> fork -> write on both sides", PROT_READ | PROT_WRITE, 0, 3 * PAGE, READ_FAULT, 'c', 'p'},
};

int main(void)
{
    if (test_enter_scratch_dir("fork_mprotect") != 0)
        return test_finish("fork_mprotect");
    CHECK_OK(pipe(to_child));
    CHECK_OK(pipe(to_parent));
    static char data[8 * PAGE];
    memset(data, 'F', sizeof data);
    CHECK_OK(apus_write_file("f", data, sizeof data));
    int fd = open("f", O_RDONLY);
    CHECK(fd >= 0, "open");
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
        const struct order *o = &orders[i];
        char *p = mmap(NULL, PAGE, o->protection, o->is_anonymous ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_PRIVATE,
                       o->is_anonymous ? -1 : fd, o->offset);
        CHECK(p != MAP_FAILED, o->name);
        if (p == MAP_FAILED)
            continue;
        if (o->before_fork == READ_FAULT) {
            volatile char sink = p[0];
            (void)sink;
        } else {
            p[10] = 'P';
            CHECK_OK(mprotect(p, PAGE, PROT_READ));
        }
        fork_order(o->name, p, o->before_fork == READ_FAULT ? 'F' : 'P', o->child_value, o->parent_value);
        munmap(p, PAGE);
    }

    /* Anonymous page written, PROT_NONE at fork, RW and write in the child. */
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p != MAP_FAILED) {
        p[10] = 'P';
        CHECK_OK(mprotect(p, PAGE, PROT_NONE));
        pid_t pid = test_fork();
        if (pid == 0) {
            CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
            CHECK(p[10] == 'P', "PROT_NONE page keeps its contents across fork");
            p[10] = 'c';
            tell(to_parent[1]);
            test_child_exit();
        }
        await(to_parent[0]);
        CHECK_EQ_LONG(child_exit_status(pid), 0);
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        CHECK(p[10] == 'P', "anonymous write -> PROT_NONE -> fork -> RW -> write in the child");
        munmap(p, PAGE);
    }

    for (int page = 0; page < 4; page++)
        CHECK(file_byte(fd, (off_t)page * PAGE + 10) == 'F', "a private write reached the file");
    char *fresh = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(fresh != MAP_FAILED, "fresh shared mapping");
    if (fresh != MAP_FAILED) {
        for (int page = 0; page < 4; page++)
            CHECK(fresh[page * PAGE + 10] == 'F', "a fresh mapping sees a private write");
        munmap(fresh, 4 * PAGE);
    }
    close(fd);
    test_leave_scratch_dir();
    return test_finish("fork_mprotect");
}
