/* /proc/net/unix (proc(5), unix(7)): the header "Num RefCount Protocol Flags Type St Inode Path",
 * then one line per AF_UNIX socket, found here by its inode (fstat's st_ino): a listening stream
 * socket bound to a path (Flags 00010000, Type 0001, St 01, the path), a connection its listener
 * holds before accept(2) (no inode yet: 0, St 02, the listener's path), the connected client
 * (St 03, unnamed: no path) and the accepted end (St 03, the listener's path), an abstract
 * datagram socket (Type 0002, St 01, "@name"), a connected datagram socket and its target
 * (St 03 both), a
 * sequenced-packet pair (Type 0005, St 03); a closed socket's line is gone. The Num column is
 * 16 hexadecimal digits and a colon (Linux prints a hashed kernel address there). */
#include "apus_test.h"
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

struct unix_line {
    unsigned refcount, protocol, flags, type, state;
    unsigned long inode;
    char path[128];
};

/* Parses one line after the header; 1 if it has every column. */
static int parse_line(const char *line, struct unix_line *out)
{
    int consumed = 0;
    char num[32];
    if (sscanf(line, "%31[0-9a-f]: %x %x %x %x %x %lu%n", num, &out->refcount, &out->protocol, &out->flags, &out->type,
               &out->state, &out->inode, &consumed) != 7)
        return 0;
    CHECK_EQ_LONG(strlen(num), 16);
    CHECK(line[16] == ':', "the Num column ends with a colon");
    const char *rest = line + consumed;
    out->path[0] = '\0';
    if (*rest == ' ') {
        snprintf(out->path, sizeof out->path, "%s", rest + 1);
    } else {
        CHECK(*rest == '\0', "nothing after the inode of an unnamed socket");
    }
    return 1;
}

/* Reads /proc/net/unix; finds the line of `inode` (or, for inode 0, the first line with inode 0
 * and path `path`). Returns how many lines matched. */
static int find_socket(unsigned long inode, const char *path, struct unix_line *found)
{
    FILE *file = fopen("/proc/net/unix", "r");
    CHECK(file != NULL, "fopen /proc/net/unix");
    if (file == NULL)
        return 0;
    char line[512];
    int number = 0, matches = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        size_t length = strlen(line);
        CHECK(length > 0 && line[length - 1] == '\n', "every line ends with a newline");
        if (length > 0 && line[length - 1] == '\n')
            line[--length] = '\0';
        if (number++ == 0) {
            CHECK(strcmp(line, "Num       RefCount Protocol Flags    Type St Inode Path") == 0, "the header");
            continue;
        }
        struct unix_line parsed;
        CHECK(parse_line(line, &parsed), "a line with every column");
        if (parsed.inode != inode)
            continue;
        if (inode == 0 && strcmp(parsed.path, path) != 0)
            continue;
        *found = parsed;
        matches++;
    }
    fclose(file);
    CHECK(number > 0, "the header line");
    return matches;
}

static unsigned long inode_of(int fd)
{
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISSOCK(st.st_mode), "a socket");
    return (unsigned long)st.st_ino;
}

static void expect(int fd, unsigned flags, unsigned type, unsigned state, const char *path)
{
    struct unix_line line;
    unsigned long inode = inode_of(fd);
    CHECK_EQ_LONG(find_socket(inode, path, &line), 1);
    CHECK_EQ_LONG(line.protocol, 0);
    CHECK_EQ_LONG(line.flags, flags);
    CHECK_EQ_LONG(line.type, type);
    CHECK_EQ_LONG(line.state, state);
    CHECK(strcmp(line.path, path) == 0, "the path column");
    CHECK(line.refcount >= 1, "a reference count");
}

int main(void)
{
    test_enter_scratch_dir("net_unix");
    char cwd[80], path[100];
    CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    snprintf(path, sizeof path, "%.80s/listener", cwd);

    /* A listener bound to a path. */
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(listener >= 0, "socket");
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    memcpy(address.sun_path, path, strlen(path) + 1);
    CHECK_OK(bind(listener, (struct sockaddr *)&address, sizeof address));
    CHECK_OK(listen(listener, 4));
    expect(listener, 0x10000, 1, 1, path);

    /* A connection: the client is connected at once; the listener holds the other end, which
     * has no file (inode 0) and is "connecting" until accepted. */
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(connect(client, (struct sockaddr *)&address, sizeof address));
    expect(client, 0, 1, 3, "");
    struct unix_line embryo;
    CHECK_EQ_LONG(find_socket(0, path, &embryo), 1);
    CHECK_EQ_LONG(embryo.state, 2);
    CHECK_EQ_LONG(embryo.flags, 0);
    CHECK_EQ_LONG(embryo.type, 1);
    int accepted = accept(listener, NULL, NULL);
    CHECK(accepted >= 0, "accept");
    expect(accepted, 0, 1, 3, path);
    CHECK_EQ_LONG(find_socket(0, path, &embryo), 0);
    expect(listener, 0x10000, 1, 1, path);

    /* An abstract datagram socket, and a datagram socket connected to it. */
    char name[64], shown[80];
    snprintf(name, sizeof name, "apus-net-unix-%d", (int)getpid());
    snprintf(shown, sizeof shown, "@%s", name);
    int abstract = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un abstractAddress = {.sun_family = AF_UNIX};
    memcpy(abstractAddress.sun_path + 1, name, strlen(name));
    socklen_t abstractLength = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
    CHECK_OK(bind(abstract, (struct sockaddr *)&abstractAddress, abstractLength));
    expect(abstract, 0, 2, 1, shown);
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    expect(sender, 0, 2, 1, "");
    CHECK_OK(connect(sender, (struct sockaddr *)&abstractAddress, abstractLength));
    expect(sender, 0, 2, 3, "");
    /* Linux's unix_dgram_connect marks the target established too (one-way as the link is). */
    expect(abstract, 0, 2, 3, shown);

    /* A sequenced-packet pair: both connected, unnamed. */
    int pair[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair));
    expect(pair[0], 0, 5, 3, "");
    expect(pair[1], 0, 5, 3, "");

    /* Closed sockets leave the table. */
    unsigned long senderInode = inode_of(sender);
    unsigned long listenerInode = inode_of(listener);
    struct unix_line gone;
    close(sender);
    close(listener);
    CHECK_EQ_LONG(find_socket(senderInode, "", &gone), 0);
    CHECK_EQ_LONG(find_socket(listenerInode, path, &gone), 0);

    close(client);
    close(accepted);
    close(abstract);
    close(pair[0]);
    close(pair[1]);
    unlink(path);
    test_leave_scratch_dir();
    return test_finish("net_unix");
}
