/* nop.c: bench-nop, the program fork_execve and vfork_execve execute: it exits 0 at once. */
int main(void) { return 0; }
