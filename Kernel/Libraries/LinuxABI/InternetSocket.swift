// AF_INET socket numbers: struct sockaddr_in (ip(7)), the option levels and options of
// getsockopt(2)/setsockopt(2) for SOL_SOCKET (socket(7)), IPPROTO_TCP (tcp(7)) and IPPROTO_IP
// (ip(7)), and the interface requests of netdevice(7) (include/uapi/linux/sockios.h, if.h).

/// struct sockaddr_in: family (2 bytes), port (2, big-endian), address (4, big-endian), 8 zero bytes.
public enum InternetAddressLayout: Sendable {
    public static let size = 16
}

/// Protocol numbers (socket(2) `protocol`, and the option levels IPPROTO_IP/IPPROTO_TCP/IPPROTO_UDP).
public enum InternetProtocolNumber: Sendable {
    public static let IPPROTO_IP: Int32 = 0
    public static let IPPROTO_TCP: Int32 = 6
    public static let IPPROTO_UDP: Int32 = 17
}

/// The SOL_SOCKET options AF_INET sockets answer (the AF_UNIX subset is `SocketOption`).
public enum GenericSocketOption: Int32, CaseIterable, Sendable {
    case SO_REUSEADDR = 2
    case SO_TYPE = 3
    case SO_ERROR = 4
    case SO_BROADCAST = 6
    case SO_SNDBUF = 7
    case SO_RCVBUF = 8
    case SO_KEEPALIVE = 9
    case SO_LINGER = 13
    case SO_REUSEPORT = 15
    case SO_RCVTIMEO = 20
    case SO_SNDTIMEO = 21
    case SO_ACCEPTCONN = 30
    case SO_PROTOCOL = 38
    case SO_DOMAIN = 39
}

/// IPPROTO_TCP options (include/uapi/linux/tcp.h); the largest one Linux 6.x knows is 37.
public enum TCPSocketOption: Int32, CaseIterable, Sendable {
    case TCP_NODELAY = 1
    case TCP_MAXSEG = 2
    case TCP_KEEPIDLE = 4
    case TCP_KEEPINTVL = 5
    case TCP_KEEPCNT = 6

    public static let highestKnown: Int32 = 37
}

/// IPPROTO_IP options (include/uapi/linux/in.h); the largest one Linux 6.x knows is 50.
public enum IPSocketOption: Int32, CaseIterable, Sendable {
    case IP_TTL = 2

    public static let highestKnown: Int32 = 50
}

/// struct linger (SO_LINGER): l_onoff, l_linger, two ints.
public enum LingerLayout: Sendable {
    public static let size = 8
}

/// Interface requests on any socket (netdevice(7)).
public enum InterfaceIoctl: UInt32, CaseIterable, Sendable {
    case SIOCGIFNAME = 0x8910
    case SIOCGIFCONF = 0x8912
    case SIOCGIFFLAGS = 0x8913
    case SIOCGIFADDR = 0x8915
    case SIOCGIFDSTADDR = 0x8917
    case SIOCGIFBRDADDR = 0x8919
    case SIOCGIFNETMASK = 0x891b
    case SIOCGIFMETRIC = 0x891d
    case SIOCGIFMTU = 0x8921
    case SIOCGIFHWADDR = 0x8927
    case SIOCGIFINDEX = 0x8933
    case SIOCGIFTXQLEN = 0x8942
}

/// Requests that change interfaces and routes (netdevice(7), route(4)): CAP_NET_ADMIN only.
public enum InterfaceSettingIoctl: UInt32, CaseIterable, Sendable {
    case SIOCADDRT = 0x890B
    case SIOCDELRT = 0x890C
    case SIOCSIFFLAGS = 0x8914
    case SIOCSIFADDR = 0x8916
    case SIOCSIFNETMASK = 0x891c
    case SIOCSIFMTU = 0x8922
}

/// struct rtentry (route(4), x86-64): rt_pad1, then sockaddrs rt_dst at 8, rt_gateway at 24,
/// rt_genmask at 40; rt_flags at 56, rt_metric at 80, the rt_dev pointer at 88; 120 bytes.
public enum RouteEntryLayout: Sendable {
    public static let size = 120
    public static let destination = 8, gateway = 24, genmask = 40, flags = 56, metric = 80, device = 88
    public static let RTF_UP: UInt16 = 0x1
    public static let RTF_GATEWAY: UInt16 = 0x2
    public static let RTF_HOST: UInt16 = 0x4
}

/// struct ifreq: the interface name (IFNAMSIZ bytes) and a 24-byte union; struct ifconf: a
/// length (int, padded to 8) and a pointer.
public enum InterfaceRequestLayout: Sendable {
    public static let size = 40
    public static let nameSize = 16
    public static let configurationSize = 16
}

/// Interface flags (SIOCGIFFLAGS, include/uapi/linux/if.h).
public struct InterfaceFlags: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let IFF_UP = InterfaceFlags(rawValue: 0x1)
    public static let IFF_BROADCAST = InterfaceFlags(rawValue: 0x2)
    public static let IFF_LOOPBACK = InterfaceFlags(rawValue: 0x8)
    public static let IFF_RUNNING = InterfaceFlags(rawValue: 0x40)
    public static let IFF_MULTICAST = InterfaceFlags(rawValue: 0x1000)
}

/// ARPHRD_LOOPBACK, the hardware type SIOCGIFHWADDR reports for lo.
public enum HardwareType: Sendable {
    public static let ARPHRD_ETHER: UInt16 = 1
    public static let ARPHRD_LOOPBACK: UInt16 = 772
}
