// Bringing up user space: the root file system from the initramfs (or from the root device,
// RootMount.swift), /dev, /proc, the terminal, and init (PID 1) with the console on descriptors
// 0, 1 and 2, running `init=` (default /init, then /sbin/init, /etc/init, /bin/init, /bin/sh, as
// Linux tries; /init only from an initramfs).

import Capabilities
import FileSystem
import Framework
import KernelCommandLine
import LinuxABI
import Memory
import Network
import ProcFS
import Process
import Scheduling
import Terminal

public enum UserSpace {
    static let defaultInits: [String] = ["/init", "/sbin/init", "/etc/init", "/bin/init", "/bin/sh"]
    /// Command-line names the kernel itself reads (everything else with a value goes to init).
    static let kernelParameters: [String] = ["log", "init", "ktest", "console", "root", "rootfstype", "rootflags", "rdinit"]

    /// Unpacks the initramfs, prepares /dev and /proc, and mounts the root device when the
    /// command line asks for one and the initramfs has no program (RootMount.swift). Errors are
    /// reported and stop the boot.
    public static func prepareFileSystem(commandLine: KernelCommandLine) -> Bool {
        let root = FileSystemTable.shared.root
        var failure: String?
        BootInformation.withInitrdBytes { bytes in
            if bytes.isEmpty {
                Log.warn("no initramfs: the root file system is empty")
                return
            }
            do throws(InitialRamDiskError) {
                let summary = try InitialRamDisk.unpack(bytes, into: root)
                Log.info("initramfs: \(summary.files) files, \(summary.directories) directories, \(summary.links) links, \(summary.bytes / 1024) KiB")
            } catch {
                failure = error.description
            }
        }
        if let failure {
            Log.error("initramfs: \(failure)")
            return false
        }
        ProcFileSystem.register()
        DevicesDirectory.populate(root: root)
        ProcFileSystem.mount(under: root)
        if RootMount.isRequested(by: commandLine, rootfs: root) { return RootMount.mount(from: commandLine) }
        return true
    }

    /// Creates init and starts it. Returns false if no init could be executed.
    public static func startInit(commandLine: KernelCommandLine) -> Bool {
        _ = AddressSpace.empty
        _ = TaskLimits.maximumTasks
        MemoryManager.setOutOfMemoryHandler(KillingOutOfMemoryHandler())
        MappedObjectTruncation.setObserver(AddressSpaceTruncationObserver())
        Interruption.install {
            guard let thread = Scheduler.current.owner as? Thread else { return false }
            return thread.isWaitInterrupted
        }
        SocketCredentials.install {
            guard let process = (Scheduler.current.owner as? Thread)?.process else { return nil }
            return UnixCredentials(pid: process.id, uid: process.credentials.realUserID, gid: process.credentials.realGroupID)
        }
        SetIDRemoval.install { (Scheduler.current.owner as? Thread)?.process?.credentials.accessIdentity }
        let table = ProcessTable.shared
        let root = FileSystemTable.shared.root
        let files = FileTable()
        let fileSystem = FileSystemContext(root: root, workingDirectory: root)
        let space: AddressSpace
        do { space = try AddressSpace() } catch {
            Log.error("init: no memory for an address space")
            return false
        }
        let id = table.allocateID()
        let process = Process(id: id, parentID: 0, addressSpace: space, files: files, fileSystem: fileSystem,
                              credentials: .superuser, limits: ResourceLimits(), signals: SignalDispositions())
        process.isUnkillable = true
        table.add(process)
        let thread = Thread(id: id, process: process, context: UserContext())
        process.threads.append(thread)
        table.add(thread)
        // As Linux's console_on_rootfs: the console comes from rootfs's /dev, whatever is mounted
        // over it.
        if let console = try? Namespace.open(Array("dev/console".utf8), from: FileSystemTable.shared.initialRoot,
                                             flags: [.O_RDWR, .O_NOCTTY], mode: 0, context: process.pathContext) {
            for descriptor: Int32 in 0...2 {
                try? files.place(console, at: descriptor, closeOnExec: false, limit: process.limits.openFiles)
            }
        } else {
            Log.warn("init: cannot open /dev/console")
        }
        var candidates: [String] = []
        if let requested = commandLine.value(of: "init") {
            candidates = [requested]
        } else if root !== FileSystemTable.shared.initialRoot {
            candidates = Array(defaultInits.dropFirst())     // a root device: no /init (that is the initramfs's)
        } else {
            candidates = defaultInits
        }
        // As on Linux, unconsumed `name=value` words reach init's environment (after the defaults,
        // so they can override them).
        let passed = commandLine.initEnvironment(kernelParameters: kernelParameters)
        let defaults = ["HOME=/", "TERM=linux"].filter { entry in
            !passed.contains { $0.split(separator: "=").first == entry.split(separator: "=").first }
        }
        let environment = (defaults + passed).map { Array($0.utf8) }
        for path in candidates {
            let pathBytes = Array(path.utf8)
            let arguments = ProgramArguments(arguments: [pathBytes] + commandLine.initArguments.map { Array($0.utf8) },
                                             environment: environment,
                                             executablePath: pathBytes)
            do throws(Errno) {
                let prepared = try Exec.load(pathBytes, from: root, arguments: arguments, process: process, finalLink: .follow,
                                                setID: .honoured)
                try Exec.commit(prepared, path: pathBytes, thread: thread, process: process)
                try UserLoop.start(thread)
                Log.debug("init: started \(path) as pid \(id)")
                return true
            } catch {
                Log.warn("init: cannot run \(path): \(error.name)")
            }
        }
        return false
    }
}
