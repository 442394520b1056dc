/* File hog (ramfs, /tmp): an unprivileged user grows one file until the
 * memory holding it is full, then makes empty files and directories until no
 * more fit; tmpfs answers ENOSPC at its limits (ENOMEM is allowed too). Then it
 * removes everything, which must work under pressure. */
#include "hog.h"
#include <sys/stat.h>

int main(void)
{
    static const int refusals[] = { ENOSPC, ENOMEM, 0 };
    static char chunk[1 << 16];
    memset(chunk, 'f', sizeof chunk);
    hog_become_nobody();
    char directory[64];
    snprintf(directory, sizeof directory, "/tmp/hog-files-%d", (int)getpid());
    if (mkdir(directory, 0700) != 0) {
        hog_say("files: mkdir %s: %s\n", directory, strerror(errno));
        return 1;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/big", directory);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    double start = hog_now();
    long written = 0;
    while (fd >= 0 && hog_in_time(start)) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            hog_expect("write", errno, refusals);
            break;
        }
        written += n;
    }
    hog_say("files: one file of %ld KiB\n", written / 1024);
    long made = 0;
    while (hog_in_time(start)) {
        snprintf(path, sizeof path, "%s/%c%ld", directory, made % 2 ? 'd' : 'f', made);
        int result = made % 2 ? mkdir(path, 0700) : mknod(path, S_IFREG | 0600, 0);
        if (result != 0) {
            hog_expect(made % 2 ? "mkdir" : "mknod", errno, refusals);
            break;
        }
        made++;
    }
    hog_say("files: %ld more files and directories\n", made);
    if (fd >= 0)
        close(fd);
    snprintf(path, sizeof path, "%s/big", directory);
    if (unlink(path) != 0) {
        hog_say("files: unlink big: %s\n", strerror(errno));
        hog_failures++;
    }
    for (long i = 0; i < made; i++) {
        snprintf(path, sizeof path, "%s/%c%ld", directory, i % 2 ? 'd' : 'f', i);
        if ((i % 2 ? rmdir(path) : unlink(path)) != 0) {
            hog_say("files: removing %s: %s\n", path, strerror(errno));
            hog_failures++;
            break;
        }
    }
    if (rmdir(directory) != 0) {
        hog_say("files: rmdir %s: %s\n", directory, strerror(errno));
        hog_failures++;
    }
    return hog_finish("files");
}
