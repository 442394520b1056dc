// Seeded: imports of modules a safe component may not use, in every form.
import Scheduling
import Synchronization
import _Volatile
@_implementationOnly import Glibc
@preconcurrency import Foundation
internal import SwiftShims
import struct Darwin.FILE
#if canImport(Musl)
import Musl
#endif
