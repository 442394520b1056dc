/* /proc/self/maps names the vDSO's pages: [vdso] (r-xp) starting at AT_SYSINFO_EHDR, its data
 * page(s) [vvar] (r--p) just below it; a forked child has them at the same place, and a
 * program started by execve gets them again. */
#include "apus_test.h"
#include <sys/auxv.h>
#include <sys/wait.h>

struct mapping { unsigned long start, end; char permissions[5]; int found; };

/* The first line of /proc/self/maps whose name is `name`. */
static struct mapping find_mapping(const char *name)
{
    struct mapping m = { 0, 0, "", 0 };
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL) return m;
    char line[512];
    while (fgets(line, sizeof line, maps) != NULL) {
        char *newline = strchr(line, '\n');
        if (newline) *newline = 0;
        size_t length = strlen(line), name_length = strlen(name);
        if (length < name_length || strcmp(line + length - name_length, name) != 0) continue;
        if (length > name_length && line[length - name_length - 1] != ' ') continue;
        if (sscanf(line, "%lx-%lx %4s", &m.start, &m.end, m.permissions) == 3) m.found = 1;
        break;
    }
    fclose(maps);
    return m;
}

static void check_vdso_mappings(void)
{
    unsigned long image = getauxval(AT_SYSINFO_EHDR);
    CHECK(image != 0, "AT_SYSINFO_EHDR");
    struct mapping vdso = find_mapping("[vdso]"), vvar = find_mapping("[vvar]");
    CHECK(vdso.found, "[vdso] in /proc/self/maps");
    CHECK(vvar.found, "[vvar] in /proc/self/maps");
    CHECK(vdso.start == image, "[vdso] starts at AT_SYSINFO_EHDR");
    CHECK(strcmp(vdso.permissions, "r-xp") == 0, "[vdso] is r-xp");
    CHECK(strcmp(vvar.permissions, "r--p") == 0, "[vvar] is r--p");
    CHECK(vvar.end <= vdso.start && vdso.start - vvar.end <= 65536, "[vvar] just below [vdso]");
    CHECK(vdso.end > vdso.start && vdso.end - vdso.start <= 65536, "[vdso] is a few pages");
    CHECK(memcmp((const void *)image, "\177ELF", 4) == 0, "[vdso] holds the ELF image");
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "exec-child") == 0) {
        check_vdso_mappings();
        test_child_exit();
    }
    check_vdso_mappings();
    unsigned long image = getauxval(AT_SYSINFO_EHDR);

    pid_t pid = test_fork();
    if (pid == 0) {
        check_vdso_mappings();
        CHECK(getauxval(AT_SYSINFO_EHDR) == image, "same vDSO after fork");
        struct timespec t;
        CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &t));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    pid = test_fork();
    if (pid == 0) {
        char *arguments[] = { argv[0], "exec-child", NULL };
        execv("/proc/self/exe", arguments);
        _exit(127);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    return test_finish("vdso_maps");
}
