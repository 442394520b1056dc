/* Copy-on-write of private file mappings whatever the order of read fault,
 * mprotect(2) and write (mmap(2) MAP_PRIVATE: "updates to the mapping are not
 * visible to other processes mapping the same file, and are not carried
 * through to the underlying file"). Each order runs on its own page of the
 * file: read -> mprotect RW -> write; mprotect RW -> read -> write;
 * read -> PROT_NONE -> RW -> write; RW mapping read -> write; write ->
 * mprotect RO -> RW -> write again; two private mappings of one page. After
 * every write the file must be unchanged through read(2), a fresh MAP_SHARED
 * mapping and another private mapping. Run as root on root's file, then as
 * uid 65534 (setuid in a child) on a root-owned file it may only read — the
 * Dirty-COW shape — and on a file of its own. */
#include "apus_test.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096
#define PAGES 8

static char original(int page) { return (char)('A' + page); }

static int make_file(const char *path, mode_t mode)
{
    static char data[PAGES * PAGE];
    for (int page = 0; page < PAGES; page++)
        memset(data + page * PAGE, original(page), PAGE);
    if (apus_write_file(path, data, sizeof data) != 0)
        return -1;
    return chmod(path, mode);
}

/* The byte at `offset` of the file, by read(2). */
static int read_byte(const char *path, off_t offset)
{
    int fd = open(path, O_RDONLY);
    char c = 0;
    long n = fd < 0 ? -1 : pread(fd, &c, 1, offset);
    if (fd >= 0)
        close(fd);
    return n == 1 ? c : -1;
}

/* The byte at `offset`, through a new mapping of the given kind. */
static int mapped_byte(const char *path, off_t offset, int flags)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    off_t base = offset & ~(off_t)(PAGE - 1);
    char *p = mmap(NULL, PAGE, PROT_READ, flags, fd, base);
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    int c = p[offset - base];
    munmap(p, PAGE);
    return c;
}

static void check_file_unchanged(const char *path, int page, const char *order)
{
    off_t offset = (off_t)page * PAGE + 10;
    if (read_byte(path, offset) != original(page))
        CHECK(0, order);
    if (mapped_byte(path, offset, MAP_SHARED) != original(page))
        CHECK(0, order);
    if (mapped_byte(path, offset, MAP_PRIVATE) != original(page))
        CHECK(0, order);
}

static char *map_page(int fd, int page, int prot)
{
    char *p = mmap(NULL, PAGE, prot, MAP_PRIVATE, fd, (off_t)page * PAGE);
    CHECK(p != MAP_FAILED, "private mapping");
    return p == MAP_FAILED ? NULL : p;
}

/* Writes 'w' at byte 10 and checks the mapping sees it, the rest of the page
 * is the file's, and the file did not change. */
static void write_and_check(const char *path, char *p, int page, const char *order)
{
    p[10] = 'w';
    CHECK(p[10] == 'w' && p[11] == original(page) && p[PAGE - 1] == original(page), order);
    check_file_unchanged(path, page, order);
}

/* Every order on the file at `path`, opened read-only. */
static void run_orders(const char *path)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open read-only");
    if (fd < 0)
        return;
    volatile char sink;
    char *p;

    /* 0: read fault, mprotect RW, write (the Dirty-COW order). */
    if ((p = map_page(fd, 0, PROT_READ))) {
        sink = p[0];
        CHECK(sink == original(0), "read fault sees the file");
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        write_and_check(path, p, 0, "read -> mprotect RW -> write reached the file");
        munmap(p, PAGE);
    }
    /* 1: mprotect RW before any fault, read, write. */
    if ((p = map_page(fd, 1, PROT_READ))) {
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        sink = p[0];
        write_and_check(path, p, 1, "mprotect RW -> read -> write reached the file");
        munmap(p, PAGE);
    }
    /* 2: read, PROT_NONE, RW, write. */
    if ((p = map_page(fd, 2, PROT_READ))) {
        sink = p[0];
        CHECK_OK(mprotect(p, PAGE, PROT_NONE));
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        write_and_check(path, p, 2, "read -> PROT_NONE -> RW -> write reached the file");
        munmap(p, PAGE);
    }
    /* 3: writable from the start: read, then write. */
    if ((p = map_page(fd, 3, PROT_READ | PROT_WRITE))) {
        sink = p[0];
        write_and_check(path, p, 3, "RW mapping read -> write reached the file");
        munmap(p, PAGE);
    }
    /* 4: write (a private copy), mprotect RO, RW again, write again. */
    if ((p = map_page(fd, 4, PROT_READ | PROT_WRITE))) {
        p[20] = 'x';
        CHECK_OK(mprotect(p, PAGE, PROT_READ));
        CHECK(p[20] == 'x', "the private copy survives mprotect RO");
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        write_and_check(path, p, 4, "write -> RO -> RW -> write reached the file");
        CHECK(p[20] == 'x', "the first write is still there");
        munmap(p, PAGE);
    }
    /* 5: two private mappings of one page: a write to one is not seen by the other. */
    char *q;
    if ((p = map_page(fd, 5, PROT_READ)) && (q = map_page(fd, 5, PROT_READ))) {
        sink = p[0];
        sink = q[0];
        CHECK_OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
        write_and_check(path, p, 5, "write through one private mapping reached the file");
        CHECK(q[10] == original(5), "another private mapping of the page does not see the write");
        munmap(q, PAGE);
    }
    if (p)
        munmap(p, PAGE);
    (void)sink;
    close(fd);
}

/* What an unprivileged process may not do with a file it can only read. */
static void check_refusals(const char *path)
{
    CHECK_ERR(open(path, O_RDWR), EACCES);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open read-only as uid 65534");
    if (fd < 0)
        return;
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
          "MAP_SHARED PROT_WRITE of a read-only descriptor is EACCES");
    char *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED, "MAP_SHARED PROT_READ");
    if (p != MAP_FAILED) {
        CHECK_ERR(mprotect(p, PAGE, PROT_READ | PROT_WRITE), EACCES);
        munmap(p, PAGE);
    }
    close(fd);
}

int main(void)
{
    if (test_enter_scratch_dir("private_mprotect") != 0)
        return test_finish("private_mprotect");
    CHECK_OK(chmod(".", 0777));
    CHECK_OK(make_file("mine", 0644));
    CHECK_OK(make_file("roots", 0644));
    run_orders("mine");

    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        check_refusals("roots");
        run_orders("roots");
        CHECK_OK(make_file("nobodys", 0600));
        run_orders("nobodys");
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    for (int page = 0; page < PAGES; page++)
        check_file_unchanged("roots", page, "uid 65534 changed root's file");

    test_leave_scratch_dir();
    return test_finish("private_mprotect");
}
