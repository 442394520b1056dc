// Scheduler.
public struct Scheduler {
    public init() {}
}
