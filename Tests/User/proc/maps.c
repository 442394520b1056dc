/* proc(5) /proc/self/maps: one line per mapping in address order, in Linux's
 * layout ("start-end perms offset major:minor inode", then spaces up to column
 * 73 and the name). Checked: an anonymous mapping split by mprotect into three
 * lines (anonymous lines end with "0 "), a private file mapping at an offset
 * (offset, device and inode from fstat, the path it was opened by), the
 * program's text (executable, named by /proc/self/exe), [stack] around a local
 * variable and [heap] around the program break. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

static char maps[262144];
static const char file_path[] = "/tmp/apus_maps_test";

/* The line of maps that contains address, copied to line; 0 if none. */
static int line_containing(unsigned long address, char *line, size_t size)
{
    for (char *cursor = maps; *cursor;) {
        char *end = strchr(cursor, '\n');
        if (!end)
            return 0;
        unsigned long start, stop;
        if (sscanf(cursor, "%lx-%lx", &start, &stop) == 2 && address >= start && address < stop) {
            size_t length = (size_t)(end - cursor);
            if (length >= size)
                length = size - 1;
            memcpy(line, cursor, length);
            line[length] = '\0';
            return 1;
        }
        cursor = end + 1;
    }
    return 0;
}

/* The name at the end of a line ("" if none): what follows column 73. */
static const char *name_of(const char *line)
{
    return strlen(line) > 73 ? line + 73 : "";
}

static int stack_marker(void)
{
    volatile int local = 1;
    char line[512];
    long found = line_containing((unsigned long)&local, line, sizeof line);
    return found && strcmp(name_of(line), "[stack]") == 0;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char line[512], expected[512];

    /* Three anonymous pages; the middle one made read-only: its own line. */
    char *anonymous = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anonymous != MAP_FAILED, "mmap anonymous");
    CHECK_OK(mprotect(anonymous + page, page, PROT_READ));

    /* Two pages of a file, the second mapped privately. */
    unlink(file_path);
    int fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create the file");
    static char filler[8192];
    CHECK_EQ_LONG(write(fd, filler, 2 * page), 2 * page);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    char *mapped = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, page);
    CHECK(mapped != MAP_FAILED, "mmap the file at offset one page");

    /* The break, moved with the system call itself (musl's sbrk refuses to grow it). */
    unsigned long old_break = (unsigned long)syscall(SYS_brk, 0);
    unsigned long new_break = (unsigned long)syscall(SYS_brk, old_break + 2 * page);
    CHECK(new_break == old_break + 2 * page, "brk grows the break");

    long length = apus_read_file("/proc/self/maps", maps, sizeof maps);
    CHECK(length > 0, "read /proc/self/maps");
    CHECK(length > 0 && maps[length - 1] == '\n', "maps ends with a newline");

    /* Every line parses and the lines go up without overlapping. */
    unsigned long previous_end = 0;
    int lines = 0, ordered = 1, parsed = 1;
    for (char *cursor = maps; *cursor;) {
        char *end = strchr(cursor, '\n');
        if (!end)
            break;
        unsigned long start, stop, offset, inode;
        unsigned major_number, minor_number;
        char perms[5];
        if (sscanf(cursor, "%lx-%lx %4s %lx %x:%x %lu", &start, &stop, perms, &offset, &major_number,
                   &minor_number, &inode) != 7 || start >= stop || strlen(perms) != 4)
            parsed = 0;
        if (start < previous_end)
            ordered = 0;
        previous_end = stop;
        lines++;
        cursor = end + 1;
    }
    CHECK(parsed, "every line has Linux's fields");
    CHECK(ordered, "lines in address order, not overlapping");
    CHECK(lines >= 5, "several mappings listed");

    /* The read-only middle page of the anonymous mapping, exactly. */
    CHECK(line_containing((unsigned long)anonymous + page, line, sizeof line), "anonymous middle page listed");
    snprintf(expected, sizeof expected, "%08lx-%08lx r--p 00000000 00:00 0 ",
             (unsigned long)anonymous + page, (unsigned long)anonymous + 2 * page);
    CHECK_EQ_STR(line, expected);
    CHECK(line_containing((unsigned long)anonymous, line, sizeof line), "anonymous first page listed");
    CHECK(strstr(line, " rw-p 00000000 00:00 0 ") != NULL, "first page read-write, private, anonymous");

    /* The file mapping: offset, device, inode and the path, padded to column 73. */
    CHECK(line_containing((unsigned long)mapped, line, sizeof line), "file mapping listed");
    int prefix = snprintf(expected, sizeof expected, "%08lx-%08lx r--p %08lx %02x:%02x %lu ",
                          (unsigned long)mapped, (unsigned long)mapped + page, (unsigned long)page,
                          major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
    while (prefix < 73)
        expected[prefix++] = ' ';
    snprintf(expected + prefix, sizeof expected - (size_t)prefix, "%s", file_path);
    CHECK_EQ_STR(line, expected);

    /* The program's code: executable, named by /proc/self/exe. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0, "readlink /proc/self/exe");
    exe[n > 0 ? n : 0] = '\0';
    CHECK(line_containing((unsigned long)&main, line, sizeof line), "text of main listed");
    char text_perms[5] = "";
    unsigned long text_start, text_end;
    sscanf(line, "%lx-%lx %4s", &text_start, &text_end, text_perms);
    CHECK(text_perms[2] == 'x' && text_perms[3] == 'p', "text is executable and private");
    CHECK_EQ_STR(name_of(line), exe);

    CHECK(stack_marker(), "the main stack is [stack]");
    CHECK(line_containing(new_break - 1, line, sizeof line), "the break area is listed");
    CHECK_EQ_STR(name_of(line), "[heap]");

    /* After munmap the range is gone. */
    CHECK_OK(munmap(mapped, page));
    length = apus_read_file("/proc/self/maps", maps, sizeof maps);
    CHECK(!line_containing((unsigned long)mapped, line, sizeof line), "unmapped range no longer listed");

    close(fd);
    unlink(file_path);
    return test_finish("maps");
}
