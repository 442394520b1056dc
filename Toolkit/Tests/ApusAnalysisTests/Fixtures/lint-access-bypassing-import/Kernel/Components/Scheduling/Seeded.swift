// Seeded: imports that reach non-public declarations of an allowed module.
@testable import Scheduling
@_private(sourceFile: "Queue.swift") import Scheduling
