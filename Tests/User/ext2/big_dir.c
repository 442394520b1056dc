/* A directory of 3,000 entries on ext2 (many 1 KiB directory blocks, names of 1 to 200 bytes):
 * every name is found by stat and listed exactly once by getdents, unlinking every other one
 * leaves exactly the rest (the freed space inside blocks is reused by new names), rmdir is
 * ENOTEMPTY until the last entry goes. The listing is checked again after an unmount and a new
 * mount. */

#include "apus_ext2.h"

#define ENTRIES 3000

static unsigned char seen[ENTRIES];

static void make_name(char *name, size_t size, int i)
{
    int len = snprintf(name, size, "e%d_", i);
    int pad = (i * 37) % 200;   /* names from a few bytes to over 200 */
    for (int k = 0; k < pad && len < (int)size - 1; k++)
        name[len++] = (char)('a' + (i + k) % 26);
    name[len] = '\0';
}

/* Lists the directory; returns the count and checks every listed name is expected exactly once. */
static int list_dir(int step, const char *when)
{
    memset(seen, 0, sizeof seen);
    DIR *d = opendir("many");
    CHECK(d != NULL, when);
    if (!d)
        return -1;
    int count = 0, strange = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int i = atoi(e->d_name + 1);
        char expected[256];
        make_name(expected, sizeof expected, i);
        if (e->d_name[0] != 'e' || i < 0 || i >= ENTRIES || strcmp(expected, e->d_name) != 0 || seen[i] || i % step != 0) {
            strange++;
            continue;
        }
        if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
            strange++;
        seen[i] = 1;
        count++;
    }
    closedir(d);
    CHECK_EQ_LONG(strange, 0);
    return count;
}

int main(void)
{
    if (!ext2_enter("big_dir"))
        return test_finish("big_dir");
    CHECK_OK(mkdir("many", 0755));
    char name[300], path[320];
    int created = 0;
    for (int i = 0; i < ENTRIES; i++) {
        make_name(name, sizeof name, i);
        snprintf(path, sizeof path, "many/%s", name);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            CHECK(fd >= 0, "create an entry");
            continue;
        }
        created++;
        close(fd);
    }
    CHECK_EQ_LONG(created, ENTRIES);
    struct stat st;
    CHECK_OK(stat("many", &st));
    CHECK(st.st_size >= 100 * 1024, "3,000 entries take many directory blocks");
    for (int i = 0; i < ENTRIES; i += 7) {
        make_name(name, sizeof name, i);
        snprintf(path, sizeof path, "many/%s", name);
        CHECK_OK(stat(path, &st));
    }
    CHECK_EQ_LONG(list_dir(1, "listing all"), ENTRIES);

    /* Every other one goes. */
    for (int i = 1; i < ENTRIES; i += 2) {
        make_name(name, sizeof name, i);
        snprintf(path, sizeof path, "many/%s", name);
        CHECK_OK(unlink(path));
    }
    CHECK_EQ_LONG(list_dir(2, "listing the even half"), ENTRIES / 2);
    CHECK_ERR(rmdir("many"), ENOTEMPTY);
    CHECK_ERR(stat("many/e1_b", &st), ENOENT);

    /* New names fill the holes the unlinks left: the directory does not grow. */
    off_t size_before = 0;
    if (stat("many", &st) == 0)
        size_before = st.st_size;
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof path, "many/n%d", i);
        CHECK_EQ_LONG(apus_write_file(path, "", 0), 0);
    }
    CHECK_OK(stat("many", &st));
    CHECK_EQ_LONG(st.st_size, size_before);
    for (int i = 0; i < 200; i++) {
        snprintf(path, sizeof path, "many/n%d", i);
        CHECK_OK(unlink(path));
    }

    if (ext2_remount() == 0)
        CHECK_EQ_LONG(list_dir(2, "listing after the remount"), ENTRIES / 2);

    for (int i = 0; i < ENTRIES; i += 2) {
        make_name(name, sizeof name, i);
        snprintf(path, sizeof path, "many/%s", name);
        CHECK_OK(unlink(path));
    }
    CHECK_EQ_LONG(list_dir(1, "listing the empty directory"), 0);
    CHECK_OK(rmdir("many"));
    ext2_leave();
    return test_finish("big_dir");
}
