// Seeded: a component calling the CPU directly.
import Framework
import FrameworkAsm

func idle() { cpu_halt() }
