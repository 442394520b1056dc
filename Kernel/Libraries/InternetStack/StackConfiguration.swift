// Tunables, with Linux's defaults (the sysctl each one mirrors is named) unless a comment says why
// not. Tests shrink the long ones (TIME-WAIT, keepalive) to keep simulated runs short; the kernel
// uses `StackConfiguration()`.

public typealias Nanoseconds = UInt64

public let nanosecondsPerMillisecond: Nanoseconds = 1_000_000
public let nanosecondsPerSecond: Nanoseconds = 1_000_000_000

public struct StackConfiguration: Sendable {
    // MARK: limits on what peers and users can make the stack hold

    /// Sockets of all kinds, including orphaned TCP connections and embryonic ones in SYN queues.
    public var maximumSockets = 65_536
    /// Orphaned TCP connections (closed by the application, still finishing: net.ipv4.tcp_max_orphans
    /// scales with memory; this is a fixed bound). Past it, close() resets instead.
    public var maximumOrphans = 4_096
    /// Neighbour entries per interface (net.ipv4.neigh.default.gc_thresh3).
    public var maximumNeighbors = 1_024
    /// Bytes queued on one unresolved neighbour (net.ipv4.neigh.*.unres_qlen_bytes).
    public var neighborPendingBytes = 212_992
    /// Packets waiting on the loopback queue (net.core.netdev_max_backlog).
    public var loopbackQueueLimit = 1_000
    /// Bytes held by incomplete IPv4 datagrams (net.ipv4.ipfrag_high_thresh).
    public var reassemblyMemoryLimit = 4 * 1_024 * 1_024
    /// Datagrams reassembled at once (Linux bounds this by memory only).
    public var maximumReassemblies = 256
    /// Fragments one datagram may arrive in (Linux: net.ipv4.ipfrag_max_dist is a different
    /// heuristic; a cap bounds the work per datagram).
    public var maximumFragmentsPerDatagram = 64

    // MARK: timers

    /// How long an incomplete datagram waits for its fragments (net.ipv4.ipfrag_time).
    public var reassemblyTimeout: Nanoseconds = 30 * nanosecondsPerSecond
    /// ARP request retransmission interval and count (neigh retrans_time_ms, mcast_solicit).
    public var arpRetransmitInterval: Nanoseconds = 1 * nanosecondsPerSecond
    public var arpRequestAttempts = 3
    /// A resolved entry is used without question for this long (base_reachable_time_ms), then
    /// refreshed while still in use, and dropped after `neighborStaleLifetime` unconfirmed.
    public var neighborReachableTime: Nanoseconds = 30 * nanosecondsPerSecond
    public var neighborStaleLifetime: Nanoseconds = 60 * nanosecondsPerSecond
    /// TIME-WAIT length (Linux's TCP_TIMEWAIT_LEN, 60 s, rather than RFC 9293's 2 × 2 minutes).
    public var timeWaitDuration: Nanoseconds = 60 * nanosecondsPerSecond
    /// How long an orphaned connection may sit in FIN-WAIT-2 (net.ipv4.tcp_fin_timeout).
    public var finWait2Timeout: Nanoseconds = 60 * nanosecondsPerSecond
    /// Delayed ACK timeout (Linux's TCP_DELACK_MIN is 40 ms; RFC 9293 allows up to 500 ms).
    public var delayedAckTimeout: Nanoseconds = 40 * nanosecondsPerMillisecond
    /// RFC 6298 bounds: initial RTO 1 s (§2.1), minimum 200 ms (Linux's TCP_RTO_MIN; the RFC's
    /// 1 s is a SHOULD), maximum 120 s (TCP_RTO_MAX).
    public var initialRetransmissionTimeout: Nanoseconds = 1 * nanosecondsPerSecond
    public var minimumRetransmissionTimeout: Nanoseconds = 200 * nanosecondsPerMillisecond
    public var maximumRetransmissionTimeout: Nanoseconds = 120 * nanosecondsPerSecond
    /// SYN retransmissions before connect() fails with ETIMEDOUT (net.ipv4.tcp_syn_retries),
    /// SYN-ACK retransmissions of a passive open (tcp_synack_retries), data retransmissions
    /// before the connection is dropped (tcp_retries2).
    public var synRetries = 6
    public var synAckRetries = 5
    public var dataRetries = 15
    /// Zero-window probes without an answer before the connection is dropped (Linux uses
    /// tcp_retries2 for these as well).
    public var maximumZeroWindowProbes = 15
    /// Keepalive defaults (tcp_keepalive_time, _intvl, _probes).
    public var keepaliveIdle: Nanoseconds = 7_200 * nanosecondsPerSecond
    public var keepaliveInterval: Nanoseconds = 75 * nanosecondsPerSecond
    public var keepaliveProbes = 9

    // MARK: TCP sizes

    /// Default buffer sizes in payload bytes (Linux starts at tcp_wmem[1] = 16 KiB and
    /// tcp_rmem[1] = 128 KiB and autotunes; without autotuning a fixed 256 KiB keeps a fast link
    /// busy).
    public var defaultSendBufferBytes = 256 * 1_024
    public var defaultReceiveBufferBytes = 256 * 1_024
    /// The largest buffers setsockopt may ask for (net.core.wmem_max/rmem_max are 208 KiB, but
    /// tcp_wmem[2]/tcp_rmem[2] let autotuning reach 4/6 MiB); also fixes the window scale offered.
    public var maximumBufferBytes = 4 * 1_024 * 1_024
    /// The smallest buffers setsockopt may set (SOCK_MIN_SNDBUF/SOCK_MIN_RCVBUF halves).
    public var minimumBufferBytes = 2_048
    /// Initial congestion window in segments (RFC 6928, Linux's TCP_INIT_CWND).
    public var initialCongestionWindowSegments = 10
    /// listen() backlog ceiling (net.core.somaxconn) and the SYN queue bounds: the SYN queue of a
    /// listener holds max(backlog, minimumSynQueue) embryonic connections, at most maximumSynQueue
    /// (net.ipv4.tcp_max_syn_backlog); past that, SYN cookies answer.
    public var maximumListenBacklog = 4_096
    public var minimumSynQueue = 16
    public var maximumSynQueue = 1_024
    public var synCookies: SynCookiePolicy = .whenQueueFull
    /// Offer RFC 7323 timestamps (net.ipv4.tcp_timestamps).
    public var timestamps: TimestampPolicy = .enabled
    /// RFC 5961 challenge ACKs per second, stack-wide (net.ipv4.tcp_challenge_ack_limit).
    public var challengeAckLimitPerSecond = 1_000

    // MARK: UDP, ICMP, IP

    /// Bytes a UDP socket queues for the reader (the default SO_RCVBUF, net.core.rmem_default).
    public var defaultDatagramReceiveBufferBytes = 212_992
    /// ICMP errors per second, with a burst (net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst).
    public var icmpErrorsPerSecond = 1_000
    public var icmpErrorBurst = 50
    /// Default TTL (net.ipv4.ip_default_ttl).
    public var defaultTimeToLive: UInt8 = 64
    /// Ephemeral port range (net.ipv4.ip_local_port_range).
    public var ephemeralPorts: ClosedRange<UInt16> = 32_768...60_999

    public init() {}
}

public enum SynCookiePolicy: Sendable {
    /// Never: a full SYN queue drops SYNs.
    case never
    /// Only when a listener's SYN queue is full (net.ipv4.tcp_syncookies = 1).
    case whenQueueFull
}

public enum TimestampPolicy: Sendable {
    case disabled
    case enabled
}
