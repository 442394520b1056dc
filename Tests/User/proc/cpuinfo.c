/* /proc/cpuinfo in the x86 form programs parse: blocks separated by an empty
 * line, one per online CPU, each "name<tabs>: value" with the fields
 * processor, vendor_id, cpu family, model, model name, stepping, cpu MHz,
 * flags (fpu among them on x86-64, and lm), bogomips, address sizes. Names
 * are followed by tabs, then ": ". Formats, not values. */
#include "apus_test.h"
#include <stdlib.h>

static char text[1 << 16];

/* The value of the first "name\t...: value" line at or after `from`, or NULL. */
static const char *field(const char *from, const char *name, char *value, size_t size)
{
    size_t length = strlen(name);
    for (const char *line = from; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, length) != 0 || line[length] != '\t')
            continue;
        const char *colon = strstr(line, ": ");
        const char *end = strchr(line, '\n');
        if (!colon || !end || colon > end)
            return NULL;
        for (const char *p = line + length; p < colon; p++)
            if (*p != '\t')
                return NULL;
        snprintf(value, size, "%.*s", (int)(end - colon - 2), colon + 2);
        return value;
    }
    return NULL;
}

int main(void)
{
    long n = apus_read_file("/proc/cpuinfo", text, sizeof text);
    CHECK(n > 0, "read /proc/cpuinfo");
    if (n <= 0)
        return test_finish("proc/cpuinfo");
    CHECK(strncmp(text, "processor\t: 0\n", 14) == 0, "starts with processor 0");
    CHECK(n >= 2 && text[n - 1] == '\n' && text[n - 2] == '\n', "blocks end with an empty line");
    int blocks = 0;
    for (const char *p = text; (p = strstr(p, "processor\t: ")) != NULL; p++)
        blocks++;
    CHECK_EQ_LONG(blocks, sysconf(_SC_NPROCESSORS_ONLN));

    char value[4096];
    CHECK(field(text, "vendor_id", value, sizeof value) && strlen(value) > 0, "vendor_id");
    CHECK(field(text, "cpu family", value, sizeof value) && atoi(value) > 0, "cpu family");
    CHECK(field(text, "model", value, sizeof value) && value[0] >= '0' && value[0] <= '9', "model");
    CHECK(field(text, "model name", value, sizeof value) && strlen(value) > 0, "model name");
    CHECK(field(text, "stepping", value, sizeof value) != NULL, "stepping");
    CHECK(field(text, "cpu MHz", value, sizeof value) && atof(value) > 0 && strchr(value, '.'), "cpu MHz");
    CHECK(field(text, "bogomips", value, sizeof value) && atof(value) > 0, "bogomips");
    CHECK(field(text, "address sizes", value, sizeof value) && strstr(value, " bits physical, ") && strstr(value, " bits virtual"),
          "address sizes");
    CHECK(field(text, "flags", value, sizeof value) != NULL, "flags");
    char padded[4100];
    snprintf(padded, sizeof padded, " %s ", value);
    CHECK(strstr(padded, " fpu ") && strstr(padded, " lm ") && strstr(padded, " sse2 "), "flags name fpu, lm and sse2");
    CHECK(strstr(text, "\npower management:") != NULL, "power management");
    return test_finish("proc/cpuinfo");
}
