/*
 * insn-profile.c: a QEMU TCG plugin that counts, per guest instruction address, how often each
 * instruction executed inside a profiling window, and which kernel call sites (with their callee)
 * cost how many instructions, callee included. `apus bench --profile` loads it into the QEMU that
 * boots apus-bench with `--profile-units`; see Tests/Bench/profile/README.md.
 *
 * The window: apus-bench calls bench_profile_begin() and bench_profile_end() (Tests/Bench/harness.c)
 * around the profiled units. Their user-space addresses come in as plugin arguments; executing the
 * first instruction of one opens or closes a window. Several windows per boot are numbered in order.
 *
 * Counting: every instruction gets an inline "add 1" to its own counter and to a global total
 * (cheap, always on); a window reports counter deltas. Kernel `call` and `ret` instructions (and
 * function entries, from a list of addresses) also get callbacks that keep a shadow call stack
 * while a window is open: each completed call adds (instructions from call to ret) to its
 * (call site, callee entry) record. The stack is emptied whenever user code runs (the kernel left
 * through sysret/iret, which are not rets), and a ret on an empty stack is ignored.
 *
 * Arguments: kernel=<hex start of the kernel address range> begin=<hex> end=<hex>
 *            entries=<file of hex function entry addresses, one a line> out=<output file>
 * Output (appended per window; numbers decimal, addresses hex):
 *     window <n> total <instructions>
 *     i <address> <count>                       one per instruction executed in the window
 *     s <site> <callee> <calls> <inclusive> <inclusive of outermost calls only>
 *     end
 */
#include "qemu-plugin-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((visibility("default"))) int qemu_plugin_version = PROFILE_PLUGIN_API_VERSION;

/* ---- per-instruction counters: chunked so inline pointers never move; open-addressed index ---- */

struct counter {
    uint64_t address;
    uint64_t count;
    uint64_t baseline;
};

#define CHUNK 65536
static struct counter **chunks;
static size_t chunk_count, counter_count;
static struct counter **slots;
static size_t slot_capacity;

static uint64_t mix(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return key;
}

static struct counter *new_counter(uint64_t address)
{
    if (counter_count == chunk_count * CHUNK) {
        chunks = realloc(chunks, (chunk_count + 1) * sizeof *chunks);
        chunks[chunk_count++] = calloc(CHUNK, sizeof(struct counter));
    }
    struct counter *counter = &chunks[counter_count / CHUNK][counter_count % CHUNK];
    counter_count++;
    counter->address = address;
    return counter;
}

static void insert_slot(struct counter **table, size_t capacity, struct counter *counter)
{
    size_t index = mix(counter->address) & (capacity - 1);
    while (table[index]) index = (index + 1) & (capacity - 1);
    table[index] = counter;
}

static struct counter *counter_for(uint64_t address)
{
    if ((counter_count + 1) * 2 > slot_capacity) {
        size_t capacity = slot_capacity ? slot_capacity * 2 : 1u << 16;
        struct counter **table = calloc(capacity, sizeof *table);
        for (size_t i = 0; i < slot_capacity; i++)
            if (slots[i]) insert_slot(table, capacity, slots[i]);
        free(slots);
        slots = table;
        slot_capacity = capacity;
    }
    size_t index = mix(address) & (slot_capacity - 1);
    while (slots[index]) {
        if (slots[index]->address == address) return slots[index];
        index = (index + 1) & (slot_capacity - 1);
    }
    struct counter *counter = new_counter(address);
    slots[index] = counter;
    return counter;
}

/* ---- function entries (a set of addresses) ---- */

static uint64_t *entry_set;
static size_t entry_capacity;

static void add_entry(uint64_t address)
{
    size_t index = mix(address) & (entry_capacity - 1);
    while (entry_set[index] && entry_set[index] != address) index = (index + 1) & (entry_capacity - 1);
    entry_set[index] = address;
}

static int is_entry(uint64_t address)
{
    if (!entry_capacity) return 0;
    size_t index = mix(address) & (entry_capacity - 1);
    while (entry_set[index]) {
        if (entry_set[index] == address) return 1;
        index = (index + 1) & (entry_capacity - 1);
    }
    return 0;
}

static int load_entries(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    size_t lines = 0;
    char line[64];
    while (fgets(line, sizeof line, file)) lines++;
    entry_capacity = 1024;
    while (entry_capacity < lines * 2 + 2) entry_capacity *= 2;
    entry_set = calloc(entry_capacity, sizeof *entry_set);
    rewind(file);
    while (fgets(line, sizeof line, file)) {
        uint64_t address = strtoull(line, NULL, 16);
        if (address) add_entry(address);
    }
    fclose(file);
    return 0;
}

/* ---- call sites (reset per window) ---- */

struct site {
    uint64_t site, callee, calls, inclusive, outermost;
};

static struct site *sites;
static size_t site_count, site_capacity;

static struct site *site_for(uint64_t site, uint64_t callee)
{
    if ((site_count + 1) * 2 > site_capacity) {
        size_t capacity = site_capacity ? site_capacity * 2 : 4096;
        struct site *table = calloc(capacity, sizeof *table);
        for (size_t i = 0; i < site_capacity; i++) {
            if (!sites[i].site) continue;
            size_t index = mix(sites[i].site ^ mix(sites[i].callee)) & (capacity - 1);
            while (table[index].site) index = (index + 1) & (capacity - 1);
            table[index] = sites[i];
        }
        free(sites);
        sites = table;
        site_capacity = capacity;
    }
    size_t index = mix(site ^ mix(callee)) & (site_capacity - 1);
    while (sites[index].site) {
        if (sites[index].site == site && sites[index].callee == callee) return &sites[index];
        index = (index + 1) & (site_capacity - 1);
    }
    site_count++;
    sites[index].site = site;
    sites[index].callee = callee;
    return &sites[index];
}

/* ---- the window and the shadow stack ---- */

static uint64_t total;                  /* every instruction executed, by inline adds */
static uint64_t total_at_begin;
static int active;
static unsigned window_number;
static uint64_t kernel_start, begin_marker, end_marker;
static char output_path[512];

struct frame {
    uint64_t site, callee, started;
    int awaiting_callee, nested;
};

#define MAX_DEPTH 4096
static struct frame stack[MAX_DEPTH];
static int depth;

static void pop_frame(void)
{
    struct frame *frame = &stack[--depth];
    struct site *record = site_for(frame->site, frame->callee);
    uint64_t spent = total - frame->started;
    record->calls++;
    record->inclusive += spent;
    if (!frame->nested) record->outermost += spent;
}

static void on_call(unsigned vcpu, void *site)
{
    (void)vcpu;
    if (!active) return;
    if (depth == MAX_DEPTH) return;
    stack[depth++] = (struct frame){.site = (uint64_t)(uintptr_t)site, .started = total, .awaiting_callee = 1};
}

static void on_entry(unsigned vcpu, void *address)
{
    (void)vcpu;
    if (!active || depth == 0 || !stack[depth - 1].awaiting_callee) return;
    struct frame *top = &stack[depth - 1];
    top->callee = (uint64_t)(uintptr_t)address;
    top->awaiting_callee = 0;
    for (int i = 0; i < depth - 1; i++)
        if (stack[i].callee == top->callee) { top->nested = 1; break; }
}

static void on_ret(unsigned vcpu, void *unused)
{
    (void)vcpu;
    (void)unused;
    if (active && depth > 0) pop_frame();
}

static void on_user_block(unsigned vcpu, void *unused)
{
    (void)vcpu;
    (void)unused;
    while (active && depth > 0) pop_frame();
}

static void begin_window(unsigned vcpu, void *unused)
{
    (void)vcpu;
    (void)unused;
    for (size_t i = 0; i < counter_count; i++) {
        struct counter *counter = &chunks[i / CHUNK][i % CHUNK];
        counter->baseline = counter->count;
    }
    memset(sites, 0, site_capacity * sizeof *sites);
    site_count = 0;
    depth = 0;
    total_at_begin = total;
    active = 1;
}

static void end_window(unsigned vcpu, void *unused)
{
    (void)vcpu;
    (void)unused;
    if (!active) return;
    while (depth > 0) pop_frame();
    active = 0;
    FILE *file = fopen(output_path, "a");
    if (!file) {
        qemu_plugin_outs("insn-profile: cannot open the output file\n");
        return;
    }
    fprintf(file, "window %u total %llu\n", window_number++, (unsigned long long)(total - total_at_begin));
    for (size_t i = 0; i < counter_count; i++) {
        struct counter *counter = &chunks[i / CHUNK][i % CHUNK];
        if (counter->count > counter->baseline)
            fprintf(file, "i %llx %llu\n", (unsigned long long)counter->address, (unsigned long long)(counter->count - counter->baseline));
    }
    for (size_t i = 0; i < site_capacity; i++) {
        struct site *s = &sites[i];
        if (s->site)
            fprintf(file, "s %llx %llx %llu %llu %llu\n", (unsigned long long)s->site, (unsigned long long)s->callee,
                    (unsigned long long)s->calls, (unsigned long long)s->inclusive, (unsigned long long)s->outermost);
    }
    fprintf(file, "end\n");
    fclose(file);
}

/* ---- translation: instrument each instruction of a new translation block ---- */

enum branch { OTHER, CALL, RET };

static enum branch classify(const uint8_t *bytes, size_t size)
{
    size_t i = 0;
    while (i < size) {
        uint8_t b = bytes[i];
        int is_prefix = b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x3e ||
                        b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65 || (b >= 0x40 && b <= 0x4f);
        if (!is_prefix) break;
        i++;
    }
    if (i >= size) return OTHER;
    uint8_t opcode = bytes[i];
    if (opcode == 0xe8) return CALL;
    if (opcode == 0xff && i + 1 < size && ((bytes[i + 1] >> 3) & 7) == 2) return CALL;
    if (opcode == 0xc3 || opcode == 0xc2) return RET;
    return OTHER;
}

static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t count = qemu_plugin_tb_n_insns(tb);
    if (qemu_plugin_tb_vaddr(tb) < kernel_start)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_user_block, QEMU_PLUGIN_CB_NO_REGS, NULL);
    for (size_t i = 0; i < count; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t address = qemu_plugin_insn_vaddr(insn);
        struct counter *counter = counter_for(address);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &counter->count, 1);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
        void *site = (void *)(uintptr_t)address;
        if (address == begin_marker)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, begin_window, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (address == end_marker)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, end_window, QEMU_PLUGIN_CB_NO_REGS, NULL);
        if (address < kernel_start) continue;
        if (is_entry(address))
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_entry, QEMU_PLUGIN_CB_NO_REGS, site);
        switch (classify(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn))) {
        case CALL: qemu_plugin_register_vcpu_insn_exec_cb(insn, on_call, QEMU_PLUGIN_CB_NO_REGS, site); break;
        case RET: qemu_plugin_register_vcpu_insn_exec_cb(insn, on_ret, QEMU_PLUGIN_CB_NO_REGS, NULL); break;
        case OTHER: break;
        }
    }
}

static void at_exit(qemu_plugin_id_t id, void *unused)
{
    (void)id;
    (void)unused;
    if (active) end_window(0, NULL);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *argument = argv[i];
        if (!strncmp(argument, "kernel=", 7)) kernel_start = strtoull(argument + 7, NULL, 16);
        else if (!strncmp(argument, "begin=", 6)) begin_marker = strtoull(argument + 6, NULL, 16);
        else if (!strncmp(argument, "end=", 4)) end_marker = strtoull(argument + 4, NULL, 16);
        else if (!strncmp(argument, "out=", 4)) snprintf(output_path, sizeof output_path, "%s", argument + 4);
        else if (!strncmp(argument, "entries=", 8)) {
            if (load_entries(argument + 8) != 0) {
                fprintf(stderr, "insn-profile: cannot read %s\n", argument + 8);
                return -1;
            }
        } else {
            fprintf(stderr, "insn-profile: unknown argument %s\n", argument);
            return -1;
        }
    }
    if (!kernel_start || !begin_marker || !end_marker || !output_path[0]) {
        fprintf(stderr, "insn-profile: needs kernel=, begin=, end= and out=\n");
        return -1;
    }
    site_for(1, 1);                     /* allocate the site table; begin_window clears it */
    qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
