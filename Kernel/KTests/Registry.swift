// The registry of in-kernel test suites, linked only into the test kernel (KTest trait).
// Each suite is a function next to the code it tests; registering it here puts its address in
// the `ktest_registry` linker section, where Framework's runner finds it. This module is never
// imported: Embedded Swift re-emits an imported module's @section globals into every client,
// which would register (and define) each suite many times.

#if KTEST
import Block
import Events
import Ext2FS
import FileSystem
import Framework
import Futex
import KernelLog
import Memory
import Network
import ProcFS
import Scheduling
import VirtioBlock

@section("ktest_registry") @used let memorySuite: KTestSuite = registerMemoryKTests
@section("ktest_registry") @used let cpuSuite: KTestSuite = registerCPUKTests
@section("ktest_registry") @used let entrySuite: KTestSuite = registerEntryKTests
@section("ktest_registry") @used let schedulingSuite: KTestSuite = registerSchedulingKTests
@section("ktest_registry") @used let rightsSuite: KTestSuite = registerRightsKTests
@section("ktest_registry") @used let fifoSuite: KTestSuite = registerFifoKTests
@section("ktest_registry") @used let initramfsSuite: KTestSuite = registerInitialRamDiskKTests
@section("ktest_registry") @used let procFSSuite: KTestSuite = registerProcFSKTests
@section("ktest_registry") @used let userAddressSpaceSuite: KTestSuite = registerUserAddressSpaceKTests
@section("ktest_registry") @used let copyOnWriteSuite: KTestSuite = registerCopyOnWriteKTests
@section("ktest_registry") @used let deviceSuite: KTestSuite = registerDeviceKTests
@section("ktest_registry") @used let blockSuite: KTestSuite = registerBlockKTests
@section("ktest_registry") @used let virtioBlockSuite: KTestSuite = registerVirtioBlockKTests
@section("ktest_registry") @used let eventsSuite: KTestSuite = registerEventsKTests
@section("ktest_registry") @used let futexSuite: KTestSuite = registerFutexKTests
@section("ktest_registry") @used let networkSuite: KTestSuite = registerNetworkKTests
@section("ktest_registry") @used let ext2FSSuite: KTestSuite = registerExt2FSKTests
@section("ktest_registry") @used let kernelLogSuite: KTestSuite = registerKernelLogKTests
@section("ktest_registry") @used let dentryCacheSuite: KTestSuite = registerDentryCacheKTests
@section("ktest_registry") @used let ext2DentrySuite: KTestSuite = registerExt2DentryKTests
#endif
