// The Apus kernel's entry: Framework has booted the machine and calls main on the first kernel
// task. Inject the kernel's policies, then either run the in-kernel tests (KTest build) or
// bring up the system.

import Framework
import KernelCommandLine
import Scheduling

Scheduling.install()

#if KTEST
let commandLine = KernelCommandLine(BootInformation.commandLine)
Power.off(exitStatus: KTest.runAll(filter: commandLine.value(of: "ktest") ?? ""))
#else
Banner.print()
Power.off(exitStatus: 0)
#endif
