/* Changing interfaces and routes the way busybox's ifconfig and route do (netdevice(7),
 * route(4)), with Linux's errors, on lo only and never changing anything on the host: every
 * request here either fails before it changes anything or sets what is already set.
 *  - as uid 65534: SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFFLAGS, SIOCSIFMTU, SIOCADDRT, SIOCDELRT
 *    are EPERM, even for an interface that does not exist (privilege is checked first);
 *  - as root: a sockaddr that is not AF_INET is EINVAL before the name is looked up, an unknown
 *    name ENODEV, a multicast address or a non-contiguous netmask EINVAL, an MTU below the
 *    minimum EINVAL; SIOCSIFADDR of lo's own address and SIOCSIFFLAGS of its own flags succeed
 *    and change nothing;
 *  - routes: a destination that is not AF_INET is EAFNOSUPPORT, a non-contiguous mask or host
 *    bits outside the mask EINVAL, an unknown rt_dev ENODEV, RTF_GATEWAY without a gateway
 *    EINVAL, deleting a route that does not exist ESRCH;
 *  - /proc/net/route: Linux's header, every line 127 characters and 11 fields, RTF_UP on every
 *    route, no route through lo (its routes live in the local table). */
#include "apus_net.h"
#include <net/if.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static struct ifreq request_for(const char *name)
{
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    return request;
}

static void set_inet(struct sockaddr *address, const char *text)
{
    struct sockaddr_in *inet = (struct sockaddr_in *)address;
    memset(inet, 0, sizeof *inet);
    inet->sin_family = AF_INET;
    inet_pton(AF_INET, text, &inet->sin_addr);
}

static struct rtentry route_for(const char *destination, const char *mask)
{
    struct rtentry route;
    memset(&route, 0, sizeof route);
    set_inet(&route.rt_dst, destination);
    set_inet(&route.rt_genmask, mask);
    route.rt_flags = RTF_UP;
    return route;
}

/* Every setting request fails with EPERM for an unprivileged caller. */
static void unprivileged_requests(int fd)
{
    const char *names[] = {"lo", "apusnone0"};
    for (int index = 0; index < 2; index++) {
        struct ifreq request = request_for(names[index]);
        set_inet(&request.ifr_addr, "127.0.0.1");
        CHECK_ERR(ioctl(fd, SIOCSIFADDR, &request), EPERM);
        set_inet(&request.ifr_netmask, "255.0.0.0");
        CHECK_ERR(ioctl(fd, SIOCSIFNETMASK, &request), EPERM);
        request = request_for(names[index]);
        request.ifr_flags = IFF_UP;
        CHECK_ERR(ioctl(fd, SIOCSIFFLAGS, &request), EPERM);
        request = request_for(names[index]);
        request.ifr_mtu = 65536;
        CHECK_ERR(ioctl(fd, SIOCSIFMTU, &request), EPERM);
    }
    struct rtentry route = route_for("198.51.100.0", "255.255.255.0");
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), EPERM);
    CHECK_ERR(ioctl(fd, SIOCDELRT, &route), EPERM);
}

static void interface_errors(int fd)
{
    struct ifreq request = request_for("lo");
    set_inet(&request.ifr_addr, "127.0.0.1");
    request.ifr_addr.sa_family = AF_UNIX;
    CHECK_ERR(ioctl(fd, SIOCSIFADDR, &request), EINVAL);
    request = request_for("apusnone0");
    set_inet(&request.ifr_addr, "10.9.9.9");
    request.ifr_addr.sa_family = AF_UNIX;
    CHECK_ERR(ioctl(fd, SIOCSIFADDR, &request), EINVAL);      /* the family before the name */
    request.ifr_addr.sa_family = AF_INET;
    CHECK_ERR(ioctl(fd, SIOCSIFADDR, &request), ENODEV);
    CHECK_ERR(ioctl(fd, SIOCSIFNETMASK, &request), ENODEV);
    request = request_for("apusnone0");
    request.ifr_flags = IFF_UP;
    CHECK_ERR(ioctl(fd, SIOCSIFFLAGS, &request), ENODEV);
    request = request_for("apusnone0");
    request.ifr_mtu = 1500;
    CHECK_ERR(ioctl(fd, SIOCSIFMTU, &request), ENODEV);
    CHECK_ERR(ioctl(fd, SIOCSIFADDR, (void *)8), EFAULT);

    request = request_for("lo");
    set_inet(&request.ifr_addr, "224.0.0.1");
    CHECK_ERR(ioctl(fd, SIOCSIFADDR, &request), EINVAL);
    request = request_for("lo");
    set_inet(&request.ifr_netmask, "255.0.255.0");
    CHECK_ERR(ioctl(fd, SIOCSIFNETMASK, &request), EINVAL);
    request = request_for("lo");
    request.ifr_mtu = -1;
    CHECK_ERR(ioctl(fd, SIOCSIFMTU, &request), EINVAL);

    /* What ifconfig lo 127.0.0.1 up does on a configured lo: nothing changes. */
    request = request_for("lo");
    set_inet(&request.ifr_addr, "127.0.0.1");
    CHECK_OK(ioctl(fd, SIOCSIFADDR, &request));
    request = request_for("lo");
    CHECK_OK(ioctl(fd, SIOCGIFFLAGS, &request));
    CHECK(request.ifr_flags & IFF_UP, "lo is up");
    CHECK_OK(ioctl(fd, SIOCSIFFLAGS, &request));
    request = request_for("lo");
    CHECK_OK(ioctl(fd, SIOCGIFNETMASK, &request));
    CHECK_EQ_LONG(ntohl(((struct sockaddr_in *)&request.ifr_netmask)->sin_addr.s_addr), 0xFF000000L);
    request = request_for("lo");
    CHECK_OK(ioctl(fd, SIOCGIFFLAGS, &request));
    CHECK(request.ifr_flags & IFF_UP, "lo still up");
}

static void route_errors(int fd)
{
    struct rtentry route = route_for("198.51.100.0", "255.255.255.0");
    route.rt_dst.sa_family = AF_UNIX;
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), EAFNOSUPPORT);
    route = route_for("198.51.100.0", "255.0.255.0");
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), EINVAL);
    route = route_for("198.51.100.7", "255.255.255.0");
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), EINVAL);
    route = route_for("198.51.100.0", "255.255.255.0");
    char device[] = "apusnone0";
    route.rt_dev = device;
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), ENODEV);
    route = route_for("198.51.100.0", "255.255.255.0");
    route.rt_flags |= RTF_GATEWAY;
    CHECK_ERR(ioctl(fd, SIOCADDRT, &route), EINVAL);
    route = route_for("198.51.100.0", "255.255.255.0");
    CHECK_ERR(ioctl(fd, SIOCDELRT, &route), ESRCH);
    CHECK_ERR(ioctl(fd, SIOCADDRT, (void *)8), EFAULT);
}

static void route_file(void)
{
    FILE *file = fopen("/proc/net/route", "r");
    CHECK(file != NULL, "open /proc/net/route");
    if (file == NULL)
        return;
    char line[512];
    int lines = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        size_t length = strlen(line);
        CHECK_EQ_LONG((long)length, 128);
        if (lines == 0) {
            static const char header[] = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT ";
            CHECK(strncmp(line, header, sizeof header - 1) == 0, "/proc/net/route header");
        } else {
            char name[32];
            unsigned destination, gateway, flags, mask;
            int refcnt, use, metric, mtu, window, irtt;
            int fields = sscanf(line, "%31s %X %X %X %d %d %d %X %d %d %d", name, &destination, &gateway, &flags, &refcnt, &use,
                                &metric, &mask, &mtu, &window, &irtt);
            CHECK_EQ_LONG(fields, 11);
            CHECK(flags & RTF_UP, "RTF_UP on every route");
            CHECK(strcmp(name, "lo") != 0, "no main-table route through lo");
            CHECK(((flags & RTF_GATEWAY) != 0) == (gateway != 0), "RTF_GATEWAY with a gateway");
            CHECK((destination & ~mask) == 0, "no host bits in a route's destination");
        }
        lines++;
    }
    CHECK(lines >= 1, "/proc/net/route has its header");
    fclose(file);
}

int main(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0, "socket");
    pid_t child = test_fork();
    if (child == 0) {
        CHECK_OK(setgid(65534));
        CHECK_OK(setuid(65534));
        unprivileged_requests(fd);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    interface_errors(fd);
    route_errors(fd);
    route_file();
    close(fd);
    return test_finish("interface_settings");
}
