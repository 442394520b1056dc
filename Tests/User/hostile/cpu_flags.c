/* Hostile CPU state at every way into the kernel: system calls, faults of
 * each kind (ud2, NULL read, int3, divide by zero, alignment check) and
 * rt_sigreturn, made with the direction flag (DF), alignment check (AC),
 * nested task (NT) or trap flag (TF) set. The kernel must run its own code
 * with DF and AC clear and hand the user's flags back untouched:
 * - a system call keeps DF, AC, NT and TF (x86-64 psABI, Linux's entry);
 * - a handler runs with DF and TF clear and AC as the interrupted code had it;
 *   the saved context holds the flags of the fault; rt_sigreturn restores them;
 * - rt_sigreturn takes only CF PF AF ZF SF TF DF OF AC from the context
 *   (arch/x86/kernel/signal.c FIX_EFLAGS): never IOPL, NT, ID or a clear IF;
 * - TF single-steps (SIGTRAP, TRAP_TRACE, si_addr = next instruction), one
 *   trap per user instruction and none for the SYSCALL instruction itself,
 *   including right after an rt_sigreturn that set TF and DF;
 * - AC set makes a misaligned load raise SIGBUS with BUS_ADRALN (where the
 *   CPU checks alignment: QEMU's TCG does not).
 * The code that runs with these flags set is assembly: compiled C may use
 * string instructions or misaligned accesses. */
#include "apus_test.h"
#include <signal.h>
#include <sys/utsname.h>
#include <time.h>
#include <ucontext.h>

#define F_CF 0x1UL
#define F_PF 0x4UL
#define F_AF 0x10UL
#define F_ZF 0x40UL
#define F_SF 0x80UL
#define F_TF 0x100UL
#define F_IF 0x200UL
#define F_DF 0x400UL
#define F_OF 0x800UL
#define F_IOPL 0x3000UL
#define F_NT 0x4000UL
#define F_AC 0x40000UL
#define F_ID 0x200000UL
#define F_SIGRETURN (F_AC | F_OF | F_DF | F_TF | F_SF | F_ZF | F_AF | F_PF | F_CF)

/* A system call made with extra flags set: number and three arguments in,
 * result and the flags seen right after the SYSCALL instruction out. */
struct flagged_call {
    unsigned long flags, number, arg0, arg1, arg2;
    long result;
    unsigned long flags_after;
};

void flagged_syscall(struct flagged_call *call);
/* Each sets `flags`, executes one faulting instruction, and returns the flags
 * seen where execution resumes (the *_resume label; the handler moves RIP
 * there), after which it clears DF, AC, NT and TF again. */
unsigned long fault_ud2(unsigned long flags);
unsigned long fault_null_read(unsigned long flags);
unsigned long fault_int3(unsigned long flags);
unsigned long fault_divide(unsigned long flags);
unsigned long fault_misaligned(unsigned long flags, void *misaligned);
extern char fault_ud2_resume[], fault_null_read_resume[], fault_int3_resume[], fault_divide_resume[];

__asm__(
    ".text\n"
    ".globl flagged_syscall\n"
    "flagged_syscall:\n"
    "    push %rbx\n"
    "    mov %rdi, %rbx\n"
    "    pushfq\n"
    "    mov 0(%rbx), %rax\n"
    "    or %rax, (%rsp)\n"
    "    mov 8(%rbx), %rax\n"
    "    mov 16(%rbx), %rdi\n"
    "    mov 24(%rbx), %rsi\n"
    "    mov 32(%rbx), %rdx\n"
    "    popfq\n"
    "    syscall\n"
    "    pushfq\n"
    "    pop %rcx\n"
    "    pushfq\n"
    "    andq $~0x44500, (%rsp)\n"
    "    popfq\n"
    "    mov %rax, 40(%rbx)\n"
    "    mov %rcx, 48(%rbx)\n"
    "    pop %rbx\n"
    "    ret\n"
#define FAULT_FUNCTION(name, instructions)                                    \
    ".globl " #name "\n"                                                      \
    #name ":\n"                                                               \
    "    pushfq\n"                                                            \
    "    or %rdi, (%rsp)\n"                                                   \
    "    popfq\n"                                                             \
    instructions                                                              \
    ".globl " #name "_resume\n"                                               \
    #name "_resume:\n"                                                        \
    "    pushfq\n"                                                            \
    "    pop %rax\n"                                                          \
    "    pushfq\n"                                                            \
    "    andq $~0x44500, (%rsp)\n"                                            \
    "    popfq\n"                                                             \
    "    ret\n"
    FAULT_FUNCTION(fault_ud2, "    ud2\n")
    FAULT_FUNCTION(fault_null_read, "    xor %eax, %eax\n    mov (%rax), %rax\n")
    FAULT_FUNCTION(fault_int3, "    int3\n")
    FAULT_FUNCTION(fault_divide, "    xor %ecx, %ecx\n    xor %edx, %edx\n    div %ecx\n")
    FAULT_FUNCTION(fault_misaligned, "    mov (%rsi), %eax\n")
);

/* What the handlers saw. */
static volatile int signal_count, trap_count;
static volatile int last_signal, last_code;
static volatile unsigned long last_address, last_rip, handler_flags, saved_flags, trap_saved_flags;
static volatile unsigned long handler_flags_seen_by_traps;
/* What the fault handler does to the context it returns to. */
static char *volatile resume_at;
static volatile unsigned long add_flags;
static volatile unsigned long clear_flags;
static volatile int stop_stepping_after;

static unsigned long read_flags(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}

static void on_fault(int signal, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    handler_flags = read_flags();
    saved_flags = uc->uc_mcontext.gregs[REG_EFL];
    last_signal = signal;
    last_code = info->si_code;
    last_address = (unsigned long)info->si_addr;
    last_rip = uc->uc_mcontext.gregs[REG_RIP];
    signal_count++;
    if (resume_at)
        uc->uc_mcontext.gregs[REG_RIP] = (long)resume_at;
    uc->uc_mcontext.gregs[REG_EFL] = (uc->uc_mcontext.gregs[REG_EFL] | add_flags) & ~clear_flags;
}

static void on_trap(int signal, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    handler_flags_seen_by_traps |= read_flags();
    trap_saved_flags = uc->uc_mcontext.gregs[REG_EFL];
    last_code = info->si_code;
    last_address = (unsigned long)info->si_addr;
    last_rip = uc->uc_mcontext.gregs[REG_RIP];
    trap_count++;
    if (stop_stepping_after && trap_count >= stop_stepping_after)
        uc->uc_mcontext.gregs[REG_EFL] &= ~(F_TF | F_DF);
}

static void reset(void)
{
    signal_count = trap_count = last_signal = last_code = 0;
    last_address = last_rip = handler_flags = saved_flags = trap_saved_flags = 0;
    handler_flags_seen_by_traps = 0;
    resume_at = NULL;
    add_flags = clear_flags = 0;
    stop_stepping_after = 0;
}

static long flagged(unsigned long flags, long number, long a0, long a1, long a2, unsigned long *flags_after)
{
    struct flagged_call call = {flags, (unsigned long)number, (unsigned long)a0, (unsigned long)a1, (unsigned long)a2, 0, 0};
    flagged_syscall(&call);
    *flags_after = call.flags_after;
    return call.result;
}

static void check_system_calls(unsigned long flags)
{
    unsigned long after;
    long pid = getpid();
    CHECK_EQ_LONG(flagged(flags, SYS_getpid, 0, 0, 0, &after), pid);
    CHECK_EQ_LONG(after & flags, flags);
    /* Calls that copy structures out: the kernel's copies must run forwards. */
    struct utsname name;
    memset(&name, 0, sizeof name);
    CHECK_EQ_LONG(flagged(flags, SYS_uname, (long)&name, 0, 0, &after), 0);
    CHECK(strcmp(name.sysname, "Linux") == 0, "uname with hostile flags fills sysname");
    CHECK_EQ_LONG(after & flags, flags);
    struct timespec now = {-1, -1};
    CHECK_EQ_LONG(flagged(flags, SYS_clock_gettime, CLOCK_MONOTONIC, (long)&now, 0, &after), 0);
    CHECK(now.tv_sec >= 0 && now.tv_nsec >= 0 && now.tv_nsec < 1000000000, "clock_gettime with hostile flags");
    /* Errors too: an EFAULT goes through the copy routine's fault fixup. */
    CHECK_EQ_LONG(flagged(flags, SYS_uname, 8, 0, 0, &after), -EFAULT);
    CHECK_EQ_LONG(after & flags, flags);
    /* A signal delivered on the way out of the call. */
    reset();
    CHECK_EQ_LONG(flagged(flags, SYS_kill, pid, SIGUSR1, 0, &after), 0);
    CHECK_EQ_LONG(signal_count, 1);
    CHECK_EQ_LONG(handler_flags & (F_DF | F_TF), 0);
    CHECK_EQ_LONG(handler_flags & F_AC, flags & F_AC);
    CHECK_EQ_LONG(saved_flags & flags, flags);
    CHECK_EQ_LONG(after & flags, flags);
}

static void check_fault(unsigned long (*fault)(unsigned long), char *resume, int signal, int code,
                        unsigned long flags, const char *what)
{
    reset();
    resume_at = resume;
    unsigned long after = fault(flags);
    if (signal_count != 1 || last_signal != signal || last_code != code) {
        CHECK(0, what);
        return;
    }
    CHECK_EQ_LONG(handler_flags & (F_DF | F_TF), 0);
    CHECK_EQ_LONG(handler_flags & F_AC, flags & F_AC);
    CHECK_EQ_LONG(saved_flags & flags, flags);
    CHECK_EQ_LONG(after & flags, flags);
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    CHECK_OK(sigaction(SIGILL, &action, NULL));
    CHECK_OK(sigaction(SIGSEGV, &action, NULL));
    CHECK_OK(sigaction(SIGFPE, &action, NULL));
    CHECK_OK(sigaction(SIGBUS, &action, NULL));
    CHECK_OK(sigaction(SIGUSR1, &action, NULL));
    struct sigaction trap_action = action;
    trap_action.sa_sigaction = on_trap;
    CHECK_OK(sigaction(SIGTRAP, &trap_action, NULL));

    /* System calls with each hostile flag, then all at once. */
    const unsigned long flag_sets[] = {F_DF, F_AC, F_NT, F_DF | F_AC | F_NT};
    for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++)
        check_system_calls(flag_sets[i]);

    /* Faults of each kind with DF, AC and NT set. int3 is a trap: the
     * handler sees RIP already past it and SIGTRAP with SI_KERNEL. */
    for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
        unsigned long flags = flag_sets[i];
        check_fault(fault_ud2, fault_ud2_resume, SIGILL, ILL_ILLOPN, flags, "ud2: SIGILL ILL_ILLOPN");
        check_fault(fault_null_read, fault_null_read_resume, SIGSEGV, SEGV_MAPERR, flags, "NULL read: SIGSEGV SEGV_MAPERR");
        check_fault(fault_divide, fault_divide_resume, SIGFPE, FPE_INTDIV, flags, "divide by zero: SIGFPE FPE_INTDIV");
        /* int3 goes to on_trap (SIGTRAP). */
        reset();
        unsigned long after = fault_int3(flags);
        CHECK_EQ_LONG(trap_count, 1);
        CHECK_EQ_LONG(last_code, 0x80);     /* SI_KERNEL */
        CHECK(last_rip == (unsigned long)fault_int3_resume, "int3: RIP is past the int3");
        CHECK_EQ_LONG(handler_flags_seen_by_traps & (F_DF | F_TF), 0);
        CHECK_EQ_LONG(trap_saved_flags & flags, flags);
        CHECK_EQ_LONG(after & flags, flags);
    }

    /* AC set: on hardware (CR0.AM is set by Linux and Apus) a misaligned load
     * is an alignment-check fault: SIGBUS, BUS_ADRALN, no address, the handler
     * still has AC; it clears AC in the context and the load is redone.
     * QEMU's TCG does not raise #AC at all: then the load just completes. */
    static unsigned long words[2];
    reset();
    clear_flags = F_AC;
    fault_misaligned(F_AC, (char *)words + 1);
    CHECK(signal_count <= 1, "at most one alignment-check fault");
    if (signal_count == 1) {
        CHECK_EQ_LONG(last_signal, SIGBUS);
        CHECK_EQ_LONG(last_code, BUS_ADRALN);
        CHECK_EQ_LONG(last_address, 0);
        CHECK_EQ_LONG(handler_flags & F_AC, F_AC);
    }
    /* The same load with AC clear is fine. */
    reset();
    fault_misaligned(0, (char *)words + 1);
    CHECK_EQ_LONG(signal_count, 0);

    /* TF around a system call: each instruction after the popfq that sets it
     * traps once (SIGTRAP TRAP_TRACE, si_addr the next instruction), the
     * SYSCALL itself does not: syscall (none), pushfq, pop, pushfq, andq,
     * popfq = 5 traps. TF is still set right after the call. */
    reset();
    unsigned long after;
    CHECK_EQ_LONG(flagged(F_TF | F_DF, SYS_getpid, 0, 0, 0, &after), getpid());
    CHECK_EQ_LONG(trap_count, 5);
    CHECK_EQ_LONG(last_code, TRAP_TRACE);
    CHECK(last_address == last_rip, "TRAP_TRACE si_addr is the next instruction");
    CHECK_EQ_LONG(after & (F_TF | F_DF), F_TF | F_DF);
    CHECK_EQ_LONG(handler_flags_seen_by_traps & (F_DF | F_TF), 0);

    /* rt_sigreturn into TF and DF: the ud2 handler sets both in the context
     * it returns to; the #DB after the first instruction arrives with DF set.
     * The trap handler stops the stepping at the third trap. */
    reset();
    resume_at = fault_ud2_resume;
    add_flags = F_TF | F_DF;
    stop_stepping_after = 3;
    fault_ud2(0);
    CHECK_EQ_LONG(signal_count, 1);
    CHECK_EQ_LONG(trap_count, 3);
    CHECK_EQ_LONG(last_code, TRAP_TRACE);
    CHECK_EQ_LONG(trap_saved_flags & (F_TF | F_DF), F_TF | F_DF);
    CHECK_EQ_LONG(handler_flags_seen_by_traps & (F_DF | F_TF), 0);

    /* rt_sigreturn with every flag bit but TF in the context: only the
     * arithmetic flags, DF and AC are taken; IF stays set, IOPL, NT and ID
     * stay as they were (clear). */
    reset();
    resume_at = fault_ud2_resume;
    add_flags = 0xffffffffUL & ~F_TF;
    after = fault_ud2(0);
    CHECK_EQ_LONG(signal_count, 1);
    CHECK_EQ_LONG(after & F_SIGRETURN, F_SIGRETURN & ~F_TF);
    CHECK_EQ_LONG(after & (F_IOPL | F_NT | F_ID), 0);
    CHECK_EQ_LONG(after & F_IF, F_IF);
    /* AC alone through rt_sigreturn is kept. */
    reset();
    resume_at = fault_ud2_resume;
    add_flags = F_AC;
    after = fault_ud2(0);
    CHECK_EQ_LONG(after & F_AC, F_AC);

    /* The kernel is still sane: flags are clean again, calls work. */
    CHECK_EQ_LONG(read_flags() & (F_DF | F_AC | F_TF | F_NT), 0);
    CHECK_EQ_LONG(syscall(SYS_getpid), getpid());
    return test_finish("cpu_flags");
}
