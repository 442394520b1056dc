// /proc/cpuinfo: one block per CPU (Apus runs on one) in the x86 form programs parse
// (processor, vendor_id, cpu family, model, model name, stepping, cpu MHz, flags, bogomips,
// address sizes...), from what Framework read with CPUID at boot. Flag names are Linux's for
// the CPUID bits (arch/x86 cpufeatures naming); bits Linux does not print are not listed.

import Framework

enum ProcessorInformation {
    /// (bit, name) of the feature words, in Linux's order of words.
    static let leaf1EDXNames: [(UInt32, String)] = [
        (0, "fpu"), (1, "vme"), (2, "de"), (3, "pse"), (4, "tsc"), (5, "msr"), (6, "pae"), (7, "mce"), (8, "cx8"),
        (9, "apic"), (11, "sep"), (12, "mtrr"), (13, "pge"), (14, "mca"), (15, "cmov"), (16, "pat"), (17, "pse36"),
        (18, "pn"), (19, "clflush"), (21, "dts"), (22, "acpi"), (23, "mmx"), (24, "fxsr"), (25, "sse"), (26, "sse2"),
        (27, "ss"), (28, "ht"), (29, "tm"), (30, "ia64"), (31, "pbe"),
    ]
    static let extendedEDXNames: [(UInt32, String)] = [
        (11, "syscall"), (19, "mp"), (20, "nx"), (22, "mmxext"), (25, "fxsr_opt"), (26, "pdpe1gb"), (27, "rdtscp"),
        (29, "lm"), (30, "3dnowext"), (31, "3dnow"),
    ]
    static let leaf1ECXNames: [(UInt32, String)] = [
        (0, "pni"), (1, "pclmulqdq"), (2, "dtes64"), (3, "monitor"), (4, "ds_cpl"), (5, "vmx"), (6, "smx"), (7, "est"),
        (8, "tm2"), (9, "ssse3"), (10, "cid"), (11, "sdbg"), (12, "fma"), (13, "cx16"), (14, "xtpr"), (15, "pdcm"),
        (17, "pcid"), (18, "dca"), (19, "sse4_1"), (20, "sse4_2"), (21, "x2apic"), (22, "movbe"), (23, "popcnt"),
        (24, "tsc_deadline_timer"), (25, "aes"), (26, "xsave"), (28, "avx"), (29, "f16c"), (30, "rdrand"),
        (31, "hypervisor"),
    ]
    static let extendedECXNames: [(UInt32, String)] = [
        (0, "lahf_lm"), (1, "cmp_legacy"), (2, "svm"), (3, "extapic"), (4, "cr8_legacy"), (5, "abm"), (6, "sse4a"),
        (7, "misalignsse"), (8, "3dnowprefetch"), (9, "osvw"), (10, "ibs"), (11, "xop"), (12, "skinit"), (13, "wdt"),
        (15, "lwp"), (16, "fma4"), (17, "tce"), (19, "nodeid_msr"), (21, "tbm"), (22, "topoext"), (23, "perfctr_core"),
        (24, "perfctr_nb"), (26, "bpext"), (28, "perfctr_llc"), (29, "mwaitx"),
    ]
    static let leaf7EBXNames: [(UInt32, String)] = [
        (0, "fsgsbase"), (1, "tsc_adjust"), (2, "sgx"), (3, "bmi1"), (4, "hle"), (5, "avx2"), (7, "smep"), (8, "bmi2"),
        (9, "erms"), (10, "invpcid"), (11, "rtm"), (14, "mpx"), (16, "avx512f"), (17, "avx512dq"), (18, "rdseed"),
        (19, "adx"), (20, "smap"), (21, "avx512ifma"), (23, "clflushopt"), (24, "clwb"), (25, "intel_pt"),
        (26, "avx512pf"), (27, "avx512er"), (28, "avx512cd"), (29, "sha_ni"), (30, "avx512bw"), (31, "avx512vl"),
    ]
    static let leaf7ECXNames: [(UInt32, String)] = [
        (1, "avx512vbmi"), (2, "umip"), (3, "pku"), (4, "ospke"), (5, "waitpkg"), (6, "avx512_vbmi2"), (8, "gfni"),
        (9, "vaes"), (10, "vpclmulqdq"), (11, "avx512_vnni"), (12, "avx512_bitalg"), (14, "avx512_vpopcntdq"),
        (16, "la57"), (22, "rdpid"), (25, "cldemote"), (27, "movdiri"), (28, "movdir64b"),
    ]
    static let leaf7EDXNames: [(UInt32, String)] = [
        (2, "avx512_4vnniw"), (3, "avx512_4fmaps"), (4, "fsrm"), (8, "avx512_vp2intersect"), (10, "md_clear"),
        (14, "serialize"), (16, "tsxldtrk"), (18, "pconfig"), (19, "arch_lbr"), (22, "amx_bf16"), (23, "avx512_fp16"),
        (24, "amx_tile"), (25, "amx_int8"), (28, "flush_l1d"), (29, "arch_capabilities"),
    ]

    static func flags(_ features: CPUFeatures) -> String {
        let words: [(UInt32, [(UInt32, String)])] = [
            (features.leaf1EDX, leaf1EDXNames), (features.extendedEDX, extendedEDXNames), (features.leaf1ECX, leaf1ECXNames),
            (features.extendedECX, extendedECXNames), (features.leaf7EBX, leaf7EBXNames), (features.leaf7ECX, leaf7ECXNames),
            (features.leaf7EDX, leaf7EDXNames),
        ]
        var names: [String] = []
        for (word, table) in words {
            for (bit, name) in table where word & (1 << bit) != 0 { names.append(name) }
        }
        return names.joined(separator: " ")
    }

    /// Family, model and stepping from the CPUID signature, with the extended fields as Linux's
    /// x86_family/x86_model combine them.
    static func identification(_ signature: UInt32) -> (family: UInt32, model: UInt32, stepping: UInt32) {
        var family = (signature >> 8) & 0xf
        if family == 0xf { family += (signature >> 20) & 0xff }
        var model = (signature >> 4) & 0xf
        if family >= 6 { model += ((signature >> 16) & 0xf) << 4 }
        return (family, model, signature & 0xf)
    }

    static func text() -> [UInt8] {
        let features = CPUFeatures.current
        let (family, model, stepping) = identification(features.signature)
        let kilohertz = Clock.cyclesPerSecond / 1000
        let megahertz = "\(kilohertz / 1000).\(threeDigits(kilohertz % 1000))"
        let bogoHundredths = kilohertz / 5      // 2 × MHz, in hundredths
        let bogomips = "\(bogoHundredths / 100).\(bogoHundredths % 100 < 10 ? "0" : "")\(bogoHundredths % 100)"
        let physicalBits = features.addressSizes & 0xff
        let virtualBits = (features.addressSizes >> 8) & 0xff
        let fields: [(String, String)] = [
            ("processor", "0"),
            ("vendor_id", String(decoding: features.vendor, as: UTF8.self)),
            ("cpu family", "\(family)"),
            ("model", "\(model)"),
            ("model name", features.brand.isEmpty ? "unknown" : String(decoding: trimmed(features.brand), as: UTF8.self)),
            ("stepping", "\(stepping)"),
            ("cpu MHz", megahertz),
            ("physical id", "0"),
            ("siblings", "1"),
            ("core id", "0"),
            ("cpu cores", "1"),
            ("apicid", "0"),
            ("initial apicid", "0"),
            ("fpu", "yes"),
            ("fpu_exception", "yes"),
            ("cpuid level", "\(features.maximumLeaf)"),
            ("wp", "yes"),
            ("flags", flags(features)),
            ("bugs", ""),
            ("bogomips", bogomips),
            ("clflush size", "64"),
            ("cache_alignment", "64"),
            ("address sizes", "\(physicalBits) bits physical, \(virtualBits) bits virtual"),
        ]
        var text = ""
        for (name, value) in fields {
            // Linux pads names with tabs to two tab stops: one tab after names of 8 or more.
            text += name + (name.utf8.count < 8 ? "\t\t: " : "\t: ") + value
            text += "\n"
        }
        return Array((text + "power management:\n\n").utf8)
    }

    static func threeDigits(_ value: UInt64) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.drop { $0 == 32 }.reversed().drop { $0 == 32 }.reversed())
    }
}
