// expect: success
// Control case: ordinary safe code against Framework's public API compiles, so the failures
// above are caused by what they seed, not by the harness.
import Framework

func logTicks() {
    Log.info("ticks: \(Timer.tickCount)")
}
