import Testing
import KernelCommandLine

@Test func parsesNamesValuesAndInitArguments() {
    let line = KernelCommandLine("log=debug quiet init=/bin/busybox -- uname -a")
    #expect(line.value(of: "log") == "debug")
    #expect(line.contains("quiet"))
    #expect(line.value(of: "quiet") == nil)
    #expect(line.value(of: "init") == "/bin/busybox")
    #expect(line.initArguments == ["uname", "-a"])
}

@Test func quotesGroupWordsAndLaterValuesWin() {
    let line = KernelCommandLine("  a=1 msg=\"hello world\"\ta=2  -- \"x y\" z ")
    #expect(line.value(of: "a") == "2")
    #expect(line.value(of: "msg") == "hello world")
    #expect(line.initArguments == ["x y", "z"])
}

@Test func emptyLine() {
    let line = KernelCommandLine("")
    #expect(line.parameters.isEmpty)
    #expect(line.initArguments.isEmpty)
}

@Test func valueMayContainEquals() {
    #expect(KernelCommandLine("root=LABEL=x").value(of: "root") == "LABEL=x")
}

@Test func unconsumedAssignmentsGoToInitsEnvironment() {
    let line = KernelCommandLine("log=debug init=/t APUS_X=1 quiet virtio.debug=1 TERM=vt100 -- A=2")
    #expect(line.initEnvironment(kernelParameters: ["log", "init"]) == ["APUS_X=1", "TERM=vt100"])
}
