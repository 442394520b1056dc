/* getdents64(2): every entry listed once with the right d_type, record
 * layout, end of directory, rewinding, small buffers, and errors. */
#include "apus_test.h"

struct apus_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

int main(void)
{
    if (test_enter_scratch_dir("getdents") != 0)
        return test_finish("getdents");
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(apus_write_file("d/file_a", "a", 1));
    CHECK_OK(apus_write_file("d/a_much_longer_file_name_to_vary_record_lengths", "b", 1));
    CHECK_OK(mkdir("d/sub", 0755));
    CHECK_OK(symlink("file_a", "d/link"));

    int fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0, "open directory");
    static char buf[8192] __attribute__((aligned(8)));
    int seen_dot = 0, seen_dotdot = 0, seen_file = 0, seen_long = 0, seen_sub = 0, seen_link = 0, other = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct apus_dirent64 *e = (struct apus_dirent64 *)(buf + off);
            CHECK(e->d_reclen % 8 == 0, "d_reclen is 8-byte aligned");
            CHECK(e->d_reclen >= 20 + strlen(e->d_name), "record holds the name and NUL");
            CHECK(e->d_ino != 0, "d_ino nonzero");
            if (strcmp(e->d_name, ".") == 0) {
                seen_dot++;
                CHECK_EQ_LONG(e->d_type, DT_DIR);
            } else if (strcmp(e->d_name, "..") == 0) {
                seen_dotdot++;
                CHECK_EQ_LONG(e->d_type, DT_DIR);
            } else if (strcmp(e->d_name, "file_a") == 0) {
                seen_file++;
                CHECK_EQ_LONG(e->d_type, DT_REG);
                struct stat st;
                CHECK_OK(stat("d/file_a", &st));
                CHECK_EQ_LONG(e->d_ino, st.st_ino);
            } else if (strcmp(e->d_name, "a_much_longer_file_name_to_vary_record_lengths") == 0) {
                seen_long++;
            } else if (strcmp(e->d_name, "sub") == 0) {
                seen_sub++;
                CHECK_EQ_LONG(e->d_type, DT_DIR);
            } else if (strcmp(e->d_name, "link") == 0) {
                seen_link++;
                CHECK_EQ_LONG(e->d_type, DT_LNK);
            } else {
                other++;
            }
            off += e->d_reclen;
        }
    }
    CHECK_EQ_LONG(n, 0);
    CHECK(seen_dot == 1 && seen_dotdot == 1, ". and .. listed once");
    CHECK(seen_file == 1 && seen_long == 1 && seen_sub == 1 && seen_link == 1, "every entry listed once");
    CHECK_EQ_LONG(other, 0);
    /* At the end it keeps returning 0. */
    CHECK_EQ_LONG(syscall(SYS_getdents64, fd, buf, sizeof buf), 0);

    /* Rewind and read one small record at a time: a buffer too small for the
     * next entry is EINVAL, one that fits returns exactly one entry. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);
    int count = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, 80)) > 0 && count < 100) {
        struct apus_dirent64 *e = (struct apus_dirent64 *)buf;
        CHECK(e->d_reclen <= n, "record within the returned bytes");
        for (long off = 0; off < n; off += ((struct apus_dirent64 *)(buf + off))->d_reclen)
            count++;
    }
    CHECK_EQ_LONG(count, 6);

    /* readdir(3) on top of it sees the same six names. */
    DIR *dir = opendir("d");
    int rcount = 0;
    while (dir && readdir(dir))
        rcount++;
    if (dir)
        closedir(dir);
    CHECK_EQ_LONG(rcount, 6);

    /* Removing an entry shows in a fresh listing. */
    CHECK_OK(unlink("d/file_a"));
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    count = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n; off += ((struct apus_dirent64 *)(buf + off))->d_reclen)
            count++;
    CHECK_EQ_LONG(count, 5);

    /* Errors. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);   /* at the end nothing is copied: rewind first */
    CHECK_ERR(syscall(SYS_getdents64, fd, (void *)8, sizeof buf), EFAULT);
    close(fd);
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), EBADF);
    int ffd = open("d/sub/../a_much_longer_file_name_to_vary_record_lengths", O_RDONLY);
    CHECK_ERR(syscall(SYS_getdents64, ffd, buf, sizeof buf), ENOTDIR);
    close(ffd);
    test_leave_scratch_dir();
    return test_finish("getdents");
}
