/* The loopback interface as busybox ifconfig sees it (netdevice(7)): SIOCGIFCONF (the length
 * needed for a null buffer, then lo among the entries with 127.0.0.1), and by name
 * SIOCGIFFLAGS (UP, LOOPBACK, RUNNING), SIOCGIFADDR, SIOCGIFNETMASK (255.0.0.0), SIOCGIFMTU
 * (65536), SIOCGIFINDEX and SIOCGIFNAME back, SIOCGIFHWADDR (ARPHRD_LOOPBACK); an unknown name
 * is ENODEV, a bad pointer EFAULT; FIONREAD and SIOCOUTQ on a TCP connection. */
#include "apus_net.h"
#include <sys/ioctl.h>
#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ /* linux/sockios.h, which musl does not ship */
#endif
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>

static unsigned long address_of(struct sockaddr *address)
{
    return ntohl(((struct sockaddr_in *)address)->sin_addr.s_addr);
}

int main(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0, "socket");
    struct ifconf configuration = {.ifc_len = 0, .ifc_buf = NULL};
    CHECK_OK(ioctl(fd, SIOCGIFCONF, &configuration));
    CHECK(configuration.ifc_len >= (int)sizeof(struct ifreq), "SIOCGIFCONF length needed");
    CHECK_EQ_LONG(configuration.ifc_len % sizeof(struct ifreq), 0);
    struct ifreq entries[16];
    configuration.ifc_len = sizeof entries;
    configuration.ifc_req = entries;
    CHECK_OK(ioctl(fd, SIOCGIFCONF, &configuration));
    int found = 0;
    for (int i = 0; i < configuration.ifc_len / (int)sizeof(struct ifreq); i++) {
        if (strcmp(entries[i].ifr_name, "lo") == 0) {
            found = 1;
            CHECK_EQ_LONG(entries[i].ifr_addr.sa_family, AF_INET);
            CHECK_EQ_LONG(address_of(&entries[i].ifr_addr), INADDR_LOOPBACK);
        }
    }
    CHECK(found, "lo listed by SIOCGIFCONF");
    /* A buffer too small for one entry gets none. */
    configuration.ifc_len = sizeof(struct ifreq) - 1;
    CHECK_OK(ioctl(fd, SIOCGIFCONF, &configuration));
    CHECK_EQ_LONG(configuration.ifc_len, 0);

    struct ifreq request;
    memset(&request, 0, sizeof request);
    strcpy(request.ifr_name, "lo");
    CHECK_OK(ioctl(fd, SIOCGIFFLAGS, &request));
    CHECK_EQ_LONG(request.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_BROADCAST), IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    CHECK_OK(ioctl(fd, SIOCGIFADDR, &request));
    CHECK_EQ_LONG(request.ifr_addr.sa_family, AF_INET);
    CHECK_EQ_LONG(address_of(&request.ifr_addr), INADDR_LOOPBACK);
    CHECK_OK(ioctl(fd, SIOCGIFNETMASK, &request));
    CHECK_EQ_LONG(address_of(&request.ifr_netmask), 0xff000000UL);
    CHECK_OK(ioctl(fd, SIOCGIFMTU, &request));
    CHECK_EQ_LONG(request.ifr_mtu, 65536);
    CHECK_OK(ioctl(fd, SIOCGIFHWADDR, &request));
    CHECK_EQ_LONG(request.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);
    CHECK_OK(ioctl(fd, SIOCGIFINDEX, &request));
    int index = request.ifr_ifindex;
    CHECK(index >= 1, "an interface index");
    memset(&request, 0, sizeof request);
    request.ifr_ifindex = index;
    CHECK_OK(ioctl(fd, SIOCGIFNAME, &request));
    CHECK_EQ_STR(request.ifr_name, "lo");

    memset(&request, 0, sizeof request);
    strcpy(request.ifr_name, "nosuch0");
    CHECK_ERR(ioctl(fd, SIOCGIFFLAGS, &request), ENODEV);
    CHECK_ERR(ioctl(fd, SIOCGIFFLAGS, (void *)8), EFAULT);
    close(fd);

    /* Bytes waiting to be read, and bytes not yet acknowledged. */
    unsigned short port = 0;
    int server = listening_socket(&port);
    int client = connect_to(port);
    int accepted = accept(server, NULL, NULL);
    CHECK(client >= 0 && accepted >= 0, "connection");
    CHECK_EQ_LONG(send(client, "12345", 5, 0), 5);
    apus_sleep_ms(200); /* the receiver may delay its ACK (40 ms) */
    int count = -1;
    CHECK_OK(ioctl(accepted, FIONREAD, &count));
    CHECK_EQ_LONG(count, 5);
    CHECK_OK(ioctl(client, SIOCOUTQ, &count));
    CHECK_EQ_LONG(count, 0);
    CHECK_ERR(ioctl(server, FIONREAD, &count), EINVAL);
    close(client);
    close(accepted);
    close(server);
    return test_finish("interfaces");
}
