/* /proc/net/tcp, /proc/net/udp and /proc/net/dev (proc(5)): the headers, a listening TCP socket
 * on 127.0.0.1 as "0100007F:PORT 00000000:0000 0A" with uid 0 and its inode (fstat's st_ino),
 * every TCP line 149 characters and every UDP line 127, an established connection as state 01,
 * a bound UDP socket as state 07, and lo's line in /proc/net/dev. */
#include "apus_net.h"
#include <stdio.h>
#include <sys/stat.h>

/* The line of `path` whose local address column is `local` and state `state`; 1 if found
 * (its uid and inode columns are then stored). Also checks every line's length. */
static int find_line(const char *path, const char *local, const char *state, int width,
                     unsigned long *uid, unsigned long *inode)
{
    FILE *file = fopen(path, "r");
    CHECK(file != NULL, "fopen");
    if (file == NULL)
        return 0;
    char line[512];
    int found = 0, number = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        size_t length = strlen(line);
        if (length > 0 && line[length - 1] == '\n')
            line[--length] = '\0';
        CHECK_EQ_LONG(length, width);
        if (number++ == 0) {
            CHECK(strstr(line, "sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode") != NULL,
                  "header");
            continue;
        }
        char slot[16], localColumn[32], remote[32], st[8], queues[32], timer[32], retransmits[16];
        unsigned long u = 0, timeout = 0, i = 0;
        if (sscanf(line, "%15s %31s %31s %7s %31s %31s %15s %lu %lu %lu", slot, localColumn, remote, st, queues, timer,
                   retransmits, &u, &timeout, &i) == 10 && strcmp(localColumn, local) == 0 && strcmp(st, state) == 0) {
            found = 1;
            *uid = u;
            *inode = i;
        }
    }
    fclose(file);
    return found;
}

int main(void)
{
    unsigned short port = 0;
    int server = listening_socket(&port);
    CHECK(server >= 0, "listener");
    struct stat status;
    CHECK_OK(fstat(server, &status));
    char local[32];
    snprintf(local, sizeof local, "0100007F:%04X", port);
    unsigned long uid = 99, inode = 0;
    CHECK(find_line("/proc/net/tcp", local, "0A", 149, &uid, &inode), "the listener in /proc/net/tcp");
    CHECK_EQ_LONG(uid, getuid());
    CHECK_EQ_LONG(inode, status.st_ino);

    int client = connect_to(port);
    CHECK(client >= 0, "connect");
    char clientLocal[32];
    snprintf(clientLocal, sizeof clientLocal, "0100007F:%04X", bound_port(client));
    CHECK(find_line("/proc/net/tcp", clientLocal, "01", 149, &uid, &inode), "the connection in /proc/net/tcp");

    unsigned short udpPort = 0;
    int udp = bound_socket(SOCK_DGRAM, &udpPort);
    CHECK_OK(fstat(udp, &status));
    snprintf(local, sizeof local, "0100007F:%04X", udpPort);
    CHECK(find_line("/proc/net/udp", local, "07", 127, &uid, &inode), "the UDP socket in /proc/net/udp");
    CHECK_EQ_LONG(inode, status.st_ino);

    FILE *dev = fopen("/proc/net/dev", "r");
    CHECK(dev != NULL, "fopen /proc/net/dev");
    int seen_lo = 0, lines = 0;
    char line[512];
    while (dev != NULL && fgets(line, sizeof line, dev) != NULL) {
        if (lines++ == 0)
            CHECK(strncmp(line, "Inter-|   Receive", 17) == 0, "dev header");
        if (strncmp(line, "    lo:", 7) == 0)
            seen_lo = 1;
    }
    if (dev != NULL)
        fclose(dev);
    CHECK(seen_lo, "lo in /proc/net/dev");
    close(client);
    close(server);
    close(udp);
    return test_finish("net_files");
}
