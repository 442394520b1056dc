#include "layout.h"
#include "cpu.h"
#include "frames.h"
#include "linker.h"
