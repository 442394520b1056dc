// What each test level runs on the host, from the toolkit's one dependency list
// (ApusKit/Dependencies.swift). `apus test` installs a level's missing packages before the level
// starts, so a fresh machine needs nothing but Swift and the log shows each package installed by
// the level that first needs it. DependencyCoverageTests checks these lists against the programs
// the levels' code names (Tests/Host, the toolkit's tests, the Makefiles of Tests/User and
// Tests/Bench); a new level must say here what it needs.

import ApusKit

extension TestLevel {
    /// Building the kernel image: SwiftPM, the linker, symbol table and floating-point check.
    static let kernelBuild: [Dependencies.Requirement] = [
        Dependencies.swift, Dependencies.linker, Dependencies.clang, Dependencies.llvmObjcopy, Dependencies.llvmNm,
        Dependencies.swiftDemangle, Dependencies.llvmObjdump, Dependencies.shell,
    ]
    /// Building the C regression programs (Tests/User/Makefile: musl-gcc and gcc, static).
    static let userPrograms: [Dependencies.Requirement] = [Dependencies.make, Dependencies.musl, Dependencies.gcc]

    var requirements: [Dependencies.Requirement] {
        switch self {
        case .lint, .tcb, .components:
            []
        case .compilefail:
            Self.kernelBuild + [Dependencies.swiftc]
        case .host:
            // Tests/Host runs GNU cpio, gzip, readelf, gcc, musl-gcc and e2fsprogs on the host.
            [Dependencies.swift, Dependencies.cpio, Dependencies.gzip, Dependencies.readelf, Dependencies.gcc, Dependencies.musl,
             Dependencies.mke2fs, Dependencies.e2fsck, Dependencies.debugfs]
        case .toolkit:
            // The run tests boot `make run` images: busybox, a musl-gcc hello, gzip'ed cpio; the
            // mkdisk tests make ext2 images and check them (e2fsprogs).
            Self.kernelBuild + [Dependencies.qemu, Dependencies.busybox, Dependencies.musl, Dependencies.make, Dependencies.gzip,
                                Dependencies.mke2fs, Dependencies.e2fsck, Dependencies.debugfs]
        case .ktest:
            // The initramfs boot checks gzip their images and boot busybox; the ext2 ktests and
            // root-disk boot checks make their disks with mke2fs and check them with e2fsck/debugfs.
            Self.kernelBuild + [Dependencies.qemu, Dependencies.gzip, Dependencies.busybox,
                                Dependencies.mke2fs, Dependencies.e2fsck, Dependencies.debugfs]
        case .linux:
            // The `disk` programs run in Debian's Linux under QEMU (ApusKit/LinuxDiskGuest.swift):
            // its kernel and virtio and ext4 modules come from apt-get download, dpkg-deb and tar;
            // the `ext2` programs' image is made with mke2fs and checked with e2fsck.
            Self.userPrograms + [
                Dependencies.timeout, Dependencies.qemu, Dependencies.busybox, Dependencies.aptGet, Dependencies.aptCache,
                Dependencies.dpkgDeb, Dependencies.tar, Dependencies.mke2fs, Dependencies.e2fsck,
            ]
        case .user:
            // The `ext2` programs' images: mke2fs, then e2fsck after each program.
            Self.kernelBuild + Self.userPrograms + [Dependencies.qemu, Dependencies.mke2fs, Dependencies.e2fsck]
        case .exhaustion:
            // Tests/Exhaustion/Makefile (musl-gcc, static); the image carries busybox (the fork
            // bomb's shell and the short program init runs).
            Self.kernelBuild + [Dependencies.qemu, Dependencies.make, Dependencies.musl, Dependencies.busybox]
        case .shell, .session:
            Self.kernelBuild + [Dependencies.qemu, Dependencies.busybox]
        case .network:
            // The guest serves with busybox; the host fetches with curl and hashes with sha256sum.
            Self.kernelBuild + [Dependencies.qemu, Dependencies.busybox, Dependencies.curl, Dependencies.sha256sum]
        case .fuzz:
            // Tests/Fuzz/apus_fuzz.c is built with musl-gcc and booted with busybox beside it;
            // Debian's trinity package is fetched and unpacked (apt-get download, dpkg-deb) and
            // its shared libraries found with readelf (TrinityBundle.swift).
            // The ext2 mount fuzzer makes its images with mke2fs and finds directory blocks with debugfs.
            Self.kernelBuild + [Dependencies.qemu, Dependencies.musl, Dependencies.busybox,
                                Dependencies.aptGet, Dependencies.dpkgDeb, Dependencies.readelf,
                                Dependencies.mke2fs, Dependencies.debugfs]
        case .bench:
            // Tests/Bench/Makefile (musl-gcc, cc for the QEMU plugin), Debian's Linux kernel
            // (apt-get download, dpkg-deb, tar), the profile smoke run (nm, llvm-symbolizer), the
            // httpd rows (curl waits for the guest's httpd, ApacheBench loads it; BenchHTTP.swift).
            Self.kernelBuild + [
                Dependencies.qemu, Dependencies.busybox, Dependencies.musl, Dependencies.make, Dependencies.cc,
                Dependencies.git, Dependencies.aptGet, Dependencies.aptCache, Dependencies.dpkgDeb, Dependencies.tar,
                Dependencies.nm, Dependencies.llvmSymbolizer,
                Dependencies.curl, Dependencies.apacheBench,
            ]
        case .debug:
            Self.kernelBuild + [Dependencies.qemu, Dependencies.gdb]
        }
    }
}
