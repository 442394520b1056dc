import FrameworkAsm
public func halt() { cpu_halt() }
