// Counters of what the stack received, sent and dropped. Names follow the SNMP MIB counters that
// Linux prints in /proc/net/snmp and /proc/net/netstat (RFC 4293 ipSystemStats, RFC 4022
// tcp, RFC 4113 udp, RFC 4293 icmp), so the kernel can lay those files out from them; counters
// Linux has no name for say what they count. Every drop of a malformed or unwanted packet bumps
// exactly one counter. All counters wrap (`&+=`): they are statistics, never trusted for limits.

public struct LinkStatistics: Sendable {
    public var framesReceived: UInt64 = 0
    public var framesSent: UInt64 = 0
    /// Shorter than an Ethernet header.
    public var truncatedFrames: UInt64 = 0
    /// Unicast to another station, or multicast (no group is joined).
    public var framesNotForUs: UInt64 = 0
    /// EtherTypes other than IPv4 and ARP (including VLAN tags and IPv6).
    public var unknownEtherTypes: UInt64 = 0
    /// Received on an interface that is down.
    public var framesOnDownInterface: UInt64 = 0
    /// Loopback packets dropped because the loopback queue was full.
    public var loopbackDrops: UInt64 = 0
}

public struct ARPStatistics: Sendable {
    public var requestsReceived: UInt64 = 0
    public var repliesReceived: UInt64 = 0
    public var requestsSent: UInt64 = 0
    public var repliesSent: UInt64 = 0
    /// Wrong hardware/protocol type or length, truncated, or a group sender address.
    public var malformed: UInt64 = 0
    /// Resolutions that got no answer: their queued packets were dropped.
    public var resolutionFailures: UInt64 = 0
    /// Packets dropped from a full pending queue while resolving.
    public var pendingDrops: UInt64 = 0
    /// Another station claims one of our addresses.
    public var addressConflicts: UInt64 = 0
}

public struct IPStatistics: Sendable {
    public var inReceives: UInt64 = 0
    /// Bad version, header length, total length, header checksum or source address.
    public var inHdrErrors: UInt64 = 0
    /// Not addressed to this host (the stack does not forward).
    public var inAddrErrors: UInt64 = 0
    public var inUnknownProtos: UInt64 = 0
    /// Valid but dropped: options not handled, shutdown interface, reassembly limits.
    public var inDiscards: UInt64 = 0
    public var inDelivers: UInt64 = 0
    public var outRequests: UInt64 = 0
    /// No route to the destination.
    public var outNoRoutes: UInt64 = 0
    public var reasmReqds: UInt64 = 0
    public var reasmOKs: UInt64 = 0
    /// Reassemblies given up: timeout, overlap, size above 65535, or the memory limit.
    public var reasmFails: UInt64 = 0
    public var reasmTimeout: UInt64 = 0
    public var fragOKs: UInt64 = 0
    public var fragCreates: UInt64 = 0
    /// Datagrams that needed fragmenting but carried DF (none are sent; counted as FragFails).
    public var fragFails: UInt64 = 0
}

public struct ICMPStatistics: Sendable {
    public var inMsgs: UInt64 = 0
    /// Truncated or malformed messages.
    public var inErrors: UInt64 = 0
    public var inCsumErrors: UInt64 = 0
    public var inDestUnreachs: UInt64 = 0
    public var inTimeExcds: UInt64 = 0
    public var inEchos: UInt64 = 0
    public var inEchoReps: UInt64 = 0
    public var outMsgs: UInt64 = 0
    public var outDestUnreachs: UInt64 = 0
    public var outTimeExcds: UInt64 = 0
    public var outEchoReps: UInt64 = 0
    /// Errors not sent because of the rate limit (Linux: IcmpOutRateLimitGlobal).
    public var outRateLimited: UInt64 = 0
    /// Unreachables whose quoted segment matches no connection or lies outside its window.
    public var ignoredErrors: UInt64 = 0
}

public struct UDPStatistics: Sendable {
    public var inDatagrams: UInt64 = 0
    public var noPorts: UInt64 = 0
    /// Truncated, bad length.
    public var inErrors: UInt64 = 0
    public var inCsumErrors: UInt64 = 0
    /// Dropped because the socket's receive queue was full.
    public var rcvbufErrors: UInt64 = 0
    public var outDatagrams: UInt64 = 0
}

public struct TCPStatistics: Sendable {
    public var activeOpens: UInt64 = 0
    public var passiveOpens: UInt64 = 0
    public var attemptFails: UInt64 = 0
    public var estabResets: UInt64 = 0
    public var inSegs: UInt64 = 0
    public var outSegs: UInt64 = 0
    public var retransSegs: UInt64 = 0
    /// Truncated headers, bad data offsets, options running off the header.
    public var inErrs: UInt64 = 0
    public var inCsumErrors: UInt64 = 0
    public var outRsts: UInt64 = 0
    // Linux's TcpExt names (/proc/net/netstat).
    /// SYNs dropped because the SYN queue was full and no cookie could be sent.
    public var listenOverflows: UInt64 = 0
    /// SYNs or handshake ACKs dropped at a listener (full queues, bad cookies).
    public var listenDrops: UInt64 = 0
    public var syncookiesSent: UInt64 = 0
    public var syncookiesRecv: UInt64 = 0
    public var syncookiesFailed: UInt64 = 0
    /// Segments outside the receive window (answered with an ACK, then dropped).
    public var outOfWindow: UInt64 = 0
    /// RFC 5961 challenge ACKs sent, and those suppressed by the rate limit.
    public var challengeACKs: UInt64 = 0
    public var challengeACKsLimited: UInt64 = 0
    /// ACKs for data never sent (RFC 9293: answered with an ACK, dropped).
    public var ackTooNew: UInt64 = 0
    public var fastRetransmits: UInt64 = 0
    public var timeouts: UInt64 = 0
    /// Segments queued out of order, and those dropped because the queue was full.
    public var ofoQueue: UInt64 = 0
    public var ofoDrops: UInt64 = 0
    /// In-window data dropped because the kernel had no memory to queue it (TCPRcvQDrop).
    public var receiveQueueDrops: UInt64 = 0
    public var zeroWindowProbes: UInt64 = 0
    public var keepaliveProbes: UInt64 = 0
    public var delayedACKs: UInt64 = 0
    /// Connections reset because data arrived after the application closed (TCPAbortOnData),
    /// closed with unread data (TCPAbortOnClose), or timed out (TCPAbortOnTimeout).
    public var abortOnData: UInt64 = 0
    public var abortOnClose: UInt64 = 0
    public var abortOnTimeout: UInt64 = 0
    /// Orphaned connections reset because there were too many (TCPAbortOnMemory).
    public var abortOnMemory: UInt64 = 0
    /// PAWS: segments with a timestamp older than the last one seen.
    public var pawsRejected: UInt64 = 0
}

public struct NetworkStatistics: Sendable {
    public var link = LinkStatistics()
    public var arp = ARPStatistics()
    public var ip = IPStatistics()
    public var icmp = ICMPStatistics()
    public var udp = UDPStatistics()
    public var tcp = TCPStatistics()

    public init() {}
}
