import Framework
import Scheduling

// The entry module is non-privileged too.
let parser = Parser()
print(parser.describe(1))
