// Events: the files a program waits on instead of polling (epoll(7), eventfd(2), timerfd_create(2),
// signalfd(2)). Each is an anonymous file (FileSystem's AnonymousFileKind): no path, a name such as
// "[eventpoll]" in /proc/PID/fd, and the readiness queue every waiter and watcher uses.
//
// What this component owns:
// - EpollInstance / EpollInterest: interest lists, ready lists, nesting and the close rule.
//   Readiness is pushed, not polled: every registration watches its file's WaitQueue, so a
//   wake-up of a pipe, socket, terminal, eventfd, timerfd, signalfd or another epoll puts the
//   registration on the ready list; epoll_wait asks the file for its events only then.
// - EventCounter: eventfd's 64-bit counter (counter and semaphore reads).
// - TimerFile: timerfd timers on the realtime or monotonic clock; expirations are counted from
//   the expiry and the interval when looked at, and one Timers callback per arming wakes readers.
// - SignalFile: signalfd's mask; reads take signals from the calling thread's per-signal queues
//   (Process's SignalQueue) without delivering them.
//
// Invariants:
// - A registration lives exactly as long as some descriptor refers to its open file description
//   (FileTable counts them, OpenFileReferences tells the observers) or until EPOLL_CTL_DEL, or the
//   epoll file's release; it never keeps a closed file's readiness queue alive past that.
// - Every user integer (times, counts, maxevents) is checked before use: times enter through
//   LinuxABI's CheckedTime and saturate at KTIME_MAX; counters saturate instead of trapping.
// - Nothing here allocates per epoll_wait in the steady state (see EpollInstance.harvest).
// Concurrency: state is touched by system calls and by the Timers task's callbacks, on one CPU with
// WaitQueue's interrupt-disabled sleep protocol; making these types lock their state is part of the
// multi-core work (as for pipes' and sockets' buffers).
//
// System-call decoding is SystemCalls' (EventPollCalls, EventfdCalls, TimerfdCalls, SignalfdCalls);
// SCM_RIGHTS and SCM_CREDENTIALS are the Network component's AF_UNIX code (UnixSocketControl).
