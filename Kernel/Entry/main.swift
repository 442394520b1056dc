// The Apus kernel's entry: Framework has booted the machine and calls main on the first kernel
// task. Start the components, which inject the kernel's policies (scheduler, timers, page-fault
// resolver) in the order their dependencies imply (ComponentStartup.generated.swift), then either run
// the in-kernel tests (KTest build) or bring up user space: unpack the initramfs, start the
// terminal and init. This task then idles; init's exit powers the machine off.

import FileSystem
import Framework
import KernelCommandLine
import Memory
import Scheduling
import SystemCalls

ComponentStartup.startAll()   // generated from Components.toml, dependencies first
let commandLine = KernelCommandLine(BootInformation.commandLine)

#if KTEST
Power.off(exitStatus: KTest.runAll(filter: commandLine.value(of: "ktest") ?? ""))
#else
Banner.print()
guard UserSpace.prepareFileSystem(commandLine: commandLine) else {
    Log.error("boot: no root file system (see above); stopping")
    Power.off(exitStatus: 2)
}
TerminalService.start()
guard UserSpace.startInit(commandLine: commandLine) else {
    Log.error("boot: no init could be started (tried init= and the defaults); stopping")
    Power.off(exitStatus: 2)
}
while true { Scheduler.block() }
#endif
