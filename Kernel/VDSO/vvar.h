// The vDSO's data page ([vvar]), as the kernel writes it and the vDSO reads it. The kernel side
// is Kernel/Components/Process/VirtualDSOData.swift: the offsets below are the contract, and
// both sides check them. Little-endian 64-bit words; the page is read-only in user space.
//
// A reader takes the sequence, reads the fields, and takes the sequence again; it retries while
// the sequence is odd (an update is in progress) or changed (seqcount protocol).
#ifndef APUS_VVAR_H
#define APUS_VVAR_H

#include <stdint.h>

enum apus_vvar_clock_mode {
    APUS_VVAR_CLOCK_NONE = 0,   // no usable TSC parameters: every call falls back to the system call
    APUS_VVAR_CLOCK_TSC = 1,    // monotonic ns = ((tsc - tsc_at_boot) * multiplier) >> 32
};

struct apus_vvar {
    uint64_t sequence;                    //  0
    uint64_t clock_mode;                  //  8
    uint64_t tsc_at_boot;                 // 16
    uint64_t multiplier;                  // 24
    uint64_t realtime_offset_ns;          // 32: CLOCK_REALTIME = offset + monotonic (mod 2^64)
    uint64_t resolution_ns;               // 40: clock_getres of the fine clocks
    uint64_t coarse_resolution_ns;        // 48: clock_getres of the _COARSE clocks
    int32_t timezone_minutes_west;        // 56: settimeofday's time zone
    int32_t timezone_dst_time;            // 60
};

_Static_assert(__builtin_offsetof(struct apus_vvar, tsc_at_boot) == 16, "vvar layout");
_Static_assert(__builtin_offsetof(struct apus_vvar, realtime_offset_ns) == 32, "vvar layout");
_Static_assert(__builtin_offsetof(struct apus_vvar, timezone_minutes_west) == 56, "vvar layout");
_Static_assert(sizeof(struct apus_vvar) == 64, "vvar layout");

#endif
