import Foundation
import Testing
@testable import ApusKit

private typealias Function = ZeroCostCheck.Function

private let merged = Function(address: 0x300, instructions: ["pushq %rbp", "movq %rsp, %rbp", "movq 16(%rdi), %rax", "popq %rbp", "retq"])
private let thunkA = Function(address: 0x100, instructions: ["pushq %rbp", "movq %rsp, %rbp", "popq %rbp", "jmp 0x300 <bodyTm>", "nopw (%rax,%rax)"])
private let thunkB = Function(address: 0x200, instructions: ["pushq %rbp", "movq %rsp, %rbp", "callq 0x300 <bodyTm>", "popq %rbp", "retq"])
private let different = Function(address: 0x400, instructions: ["pushq %rbp", "movq %rsp, %rbp", "movq 24(%rdi), %rax", "popq %rbp", "retq"])

@Test func mergedProbesAreZeroCost() {
    let check = ZeroCostCheck(image: URL(fileURLWithPath: "/nonexistent"))
    let functions = ["probeThroughHandle": thunkA, "probeDirect": thunkB, "bodyTm": merged]
    #expect(check.compare("probeThroughHandle", "probeDirect", in: functions) == nil)
}

@Test func identicalBodiesAtDifferentAddressesAreZeroCost() {
    let check = ZeroCostCheck(image: URL(fileURLWithPath: "/nonexistent"))
    let copy = Function(address: 0x500, instructions: merged.instructions)
    #expect(check.compare("a", "b", in: ["a": merged, "b": copy]) == nil)
}

@Test func differentCodeIsReported() {
    let check = ZeroCostCheck(image: URL(fileURLWithPath: "/nonexistent"))
    #expect(check.compare("a", "b", in: ["a": merged, "b": different]) != nil)
    #expect(check.compare("a", "missing", in: ["a": merged]) != nil)
}

@Test func accessorsThatAllocateCoroutineFramesAreReported() {
    let allocating = Function(address: 0x600, instructions: ["pushq %rbp", "callq 0x900 <swift_coroFrameAlloc>", "retq"])
    let runtime = Function(address: 0x900, instructions: ["jmp 0x950 <malloc>"])
    let found = ZeroCostCheck.coroutineFrameAllocators(in: ["buddyvr": allocating, "swift_coroFrameAlloc": runtime, "bodyTm": merged])
    #expect(found == ["buddyvr"])
    #expect(ZeroCostCheck.coroutineFrameAllocators(in: ["bodyTm": merged]).isEmpty)
}

@Test func outOfLineCPUHelperCallsAreReported() {
    let calling = Function(address: 0x600, instructions: ["pushq %rbp", "callq 0x900 <cpu_read_tsc>", "retq"])
    let inlined = Function(address: 0x700, instructions: ["rdtsc", "retq"])
    let found = ZeroCostCheck.outOfLineCPUHelperCallers(in: ["clockNow": calling, "clockInlined": inlined])
    #expect(found == ["clockNow"])
}
