/* execve(2) of an ELF program whose PT_INTERP names a bad interpreter fails before the point of
 * no return with Linux's errors: a missing file is ENOENT, a directory EACCES, a file shorter
 * than an ELF header EIO (the read comes up short), a longer file that is not ELF ELIBBAD.
 * The program is written here by hand: an ELF header, PT_INTERP and one PT_LOAD. */
#include "apus_test.h"
#include <elf.h>
#include <sys/wait.h>

/* The identification and type fields of a 64-bit little-endian ELF header. */
static void fill_header(Elf64_Ehdr *header, uint16_t type, uint16_t machine)
{
    memcpy(header->e_ident, ELFMAG, SELFMAG);
    header->e_ident[EI_CLASS] = ELFCLASS64;
    header->e_ident[EI_DATA] = ELFDATA2LSB;
    header->e_ident[EI_VERSION] = EV_CURRENT;
    header->e_type = type;
    header->e_machine = machine;
    header->e_version = EV_CURRENT;
}

static int write_program(const char *path, const char *interpreter)
{
    unsigned char image[512];
    memset(image, 0, sizeof image);
    Elf64_Ehdr *header = (Elf64_Ehdr *)image;
    Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof *header);
    size_t interpreter_offset = sizeof *header + 2 * sizeof *ph;
    size_t length = strlen(interpreter) + 1;
    if (interpreter_offset + length > sizeof image) return -1;
    fill_header(header, ET_EXEC, EM_X86_64);
    header->e_entry = 0x400000 + interpreter_offset;
    header->e_phoff = sizeof *header;
    header->e_ehsize = sizeof *header;
    header->e_phentsize = sizeof *ph;
    header->e_phnum = 2;
    ph[0].p_type = PT_INTERP;
    ph[0].p_flags = PF_R;
    ph[0].p_offset = interpreter_offset;
    ph[0].p_vaddr = ph[0].p_paddr = 0x400000 + interpreter_offset;
    ph[0].p_filesz = ph[0].p_memsz = length;
    ph[0].p_align = 1;
    ph[1].p_type = PT_LOAD;
    ph[1].p_flags = PF_R | PF_X;
    ph[1].p_vaddr = ph[1].p_paddr = 0x400000;
    ph[1].p_filesz = ph[1].p_memsz = sizeof image;
    ph[1].p_align = 0x1000;
    memcpy(image + interpreter_offset, interpreter, length);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0) return -1;
    int written = (int)write(fd, image, sizeof image);
    close(fd);
    return written == (int)sizeof image ? 0 : -1;
}

/* The errno execve gives in a child (or 1000 + signal if it ran). */
static int exec_errno(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *arguments[] = { (char *)path, NULL }, *environment[] = { NULL };
        execve(path, arguments, environment);
        _exit(errno);
    }
    return child_exit_status(pid);
}

int main(void)
{
    if (test_enter_scratch_dir("exec_interpreter") != 0) return test_finish("exec_interpreter");
    char cwd[256], path[300];
    CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");

    snprintf(path, sizeof path, "%s/missing-interpreter", cwd);
    CHECK_OK(write_program("missing", path));
    CHECK_EQ_LONG(exec_errno("./missing"), ENOENT);

    CHECK_OK(mkdir("directory", 0755));
    snprintf(path, sizeof path, "%s/directory", cwd);
    CHECK_OK(write_program("to-directory", path));
    CHECK_EQ_LONG(exec_errno("./to-directory"), EACCES);

    CHECK_OK(apus_write_file("short", "not an ELF file\n", 16));
    CHECK_OK(chmod("short", 0755));
    snprintf(path, sizeof path, "%s/short", cwd);
    CHECK_OK(write_program("to-short", path));
    CHECK_EQ_LONG(exec_errno("./to-short"), EIO);

    char text[512];
    memset(text, 'x', sizeof text);
    CHECK_OK(apus_write_file("text", text, sizeof text));
    CHECK_OK(chmod("text", 0755));
    snprintf(path, sizeof path, "%s/text", cwd);
    CHECK_OK(write_program("to-text", path));
    CHECK_EQ_LONG(exec_errno("./to-text"), ELIBBAD);

    /* An ELF file for another machine is no interpreter either. */
    unsigned char foreign[512];
    memset(foreign, 0, sizeof foreign);
    Elf64_Ehdr *header = (Elf64_Ehdr *)foreign;
    fill_header(header, ET_DYN, EM_AARCH64);
    CHECK_OK(apus_write_file("foreign", foreign, sizeof foreign));
    CHECK_OK(chmod("foreign", 0755));
    snprintf(path, sizeof path, "%s/foreign", cwd);
    CHECK_OK(write_program("to-foreign", path));
    CHECK_EQ_LONG(exec_errno("./to-foreign"), ELIBBAD);

    test_leave_scratch_dir();
    return test_finish("exec_interpreter");
}
