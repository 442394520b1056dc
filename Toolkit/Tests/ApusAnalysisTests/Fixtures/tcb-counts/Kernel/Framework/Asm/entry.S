/* Entry stub. */
#include "layout.h"
# a GNU as comment
.section .text
.global start
start:          // comment
    hlt         # comment after code

    jmp start
