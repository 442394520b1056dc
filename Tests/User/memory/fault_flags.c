/* Page faults the kernel resolves (demand-zero, file pages read and written
 * privately, stack growth) taken while user code runs with RFLAGS.DF set,
 * as musl's and glibc's backward memmove do (std; rep movs). The kernel must
 * not inherit the flag: its own copies would run backwards and corrupt its
 * memory (lmbench's lat_proc took Apus down this way). Checks the pages
 * read back what was written and the program's DF is still set after each
 * fault. */
#include "apus_test.h"
#include <sys/mman.h>

#define PAGES 8

/* Stores `value` at `address` with DF set; returns the RFLAGS seen right
 * after the store (before cld). */
static unsigned long store_with_df(volatile char *address, char value)
{
    unsigned long flags;
    __asm__ volatile("std\n\t"
                     "movb %b2, (%1)\n\t"
                     "pushfq\n\t"
                     "popq %0\n\t"
                     "cld"
                     : "=r"(flags)
                     : "r"(address), "q"(value)
                     : "memory", "cc");
    return flags;
}

/* Loads from `address` with DF set; *flags gets RFLAGS after the load. */
static char load_with_df(const volatile char *address, unsigned long *flags)
{
    char value;
    __asm__ volatile("std\n\t"
                     "movb (%2), %b0\n\t"
                     "pushfq\n\t"
                     "popq %1\n\t"
                     "cld"
                     : "=&q"(value), "=r"(*flags)
                     : "r"(address)
                     : "memory", "cc");
    return value;
}

/* A backward copy as memmove does for an overlapping move up, through
 * not-yet-mapped pages: DF is set across every fault of the rep movsb. */
static void backward_copy(char *destination, const char *source, size_t count)
{
    __asm__ volatile("std\n\t"
                     "rep movsb\n\t"
                     "cld"
                     : "+D"(destination), "+S"(source), "+c"(count)
                     :
                     : "memory", "cc");
}

static const unsigned long direction_flag = 1ul << 10;

int main(void)
{
    if (test_enter_scratch_dir("fault_flags") != 0)
        return test_finish("fault_flags");

    /* Many regions, so a backward copy of one region record would read its
     * neighbours' (file-backed ones hold object references). */
    static char file_data[PAGES * 4096];
    memset(file_data, 'F', sizeof file_data);
    CHECK_OK(apus_write_file("f", file_data, sizeof file_data));
    int fd = open("f", O_RDONLY);
    CHECK(fd >= 0, "open the file");
    char *files[4];
    for (int i = 0; i < 4; i++) {
        files[i] = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK(files[i] != MAP_FAILED, "private file mapping");
    }
    char *anon = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED, "anonymous mapping");
    if (anon == MAP_FAILED || files[3] == MAP_FAILED)
        return test_finish("fault_flags");

    /* Demand-zero write faults, one per page. */
    for (int page = 0; page < PAGES; page++) {
        unsigned long flags = store_with_df(anon + page * 4096 + 7, (char)('a' + page));
        CHECK(flags & direction_flag, "DF still set after a demand-zero write fault");
    }
    for (int page = 0; page < PAGES; page++)
        CHECK(anon[page * 4096 + 7] == 'a' + page && anon[page * 4096] == 0, "demand-zero page contents");

    /* File pages: a read fault, then a write fault (copy-on-write) on the
     * same page, and a first-touch write fault on another. */
    for (int i = 0; i < 4; i++) {
        unsigned long flags;
        char seen = load_with_df(files[i] + 100, &flags);
        CHECK(seen == 'F', "file page read with DF set");
        CHECK(flags & direction_flag, "DF still set after a file read fault");
        flags = store_with_df(files[i] + 200, 'w');
        CHECK(flags & direction_flag, "DF still set after a copy-on-write fault");
        flags = store_with_df(files[i] + 4096 + 300, 'x');
        CHECK(flags & direction_flag, "DF still set after a private file write fault");
        CHECK(files[i][200] == 'w' && files[i][4096 + 300] == 'x' && files[i][201] == 'F', "private file page contents");
    }
    char back[4096];
    CHECK_EQ_LONG(pread(fd, back, sizeof back, 0), (long)sizeof back);
    CHECK(back[200] == 'F', "private writes did not reach the file");

    /* A backward copy that faults in every destination page. */
    char *big = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(big != MAP_FAILED, "second anonymous mapping");
    if (big != MAP_FAILED) {
        backward_copy(big + PAGES * 4096 - 1, files[0] + PAGES * 4096 - 1, PAGES * 4096);
        CHECK(big[0] == 'F' && big[200] == 'w' && big[PAGES * 4096 - 1] == 'F', "backward copy across faults");
        munmap(big, PAGES * 4096);
    }

    /* Stack growth with DF set: touch well below the current stack page. */
    volatile char *below = (volatile char *)__builtin_frame_address(0) - 64 * 1024;
    unsigned long flags = store_with_df(below, 's');
    CHECK(flags & direction_flag, "DF still set after a stack-growth fault");
    CHECK(*below == 's', "grown stack page holds the byte");

    for (int i = 0; i < 4; i++)
        munmap(files[i], PAGES * 4096);
    munmap(anon, PAGES * 4096);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("fault_flags");
}
