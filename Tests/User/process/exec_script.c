/* execve(2) of "#!" scripts: interpreter argv layout (one optional
 * argument, kept whole), nesting one script inside another, and errors.
 * The interpreter is this very program, recognised by its first argument. */
#include "apus_test.h"
#include <stdlib.h>

static char self[4096];

/* Interpreter mode: report the argv layout through the exit status. */
static int interpreter_mode(int argc, char **argv)
{
    const char *mode = getenv("APUS_SCRIPT_MODE");
    if (!mode)
        return 2;
    if (strcmp(mode, "onearg") == 0) {
        /* argv: self "--interp-arg two  words" ./script x1 */
        CHECK_EQ_LONG(argc, 4);
        if (argc == 4) {
            CHECK(strcmp(argv[1], "--interp-arg two  words") == 0, "optional argument kept whole");
            CHECK(strcmp(argv[2], "./script") == 0, "script path as given to execve");
            CHECK(strcmp(argv[3], "x1") == 0, "script's own arguments follow");
        }
    } else if (strcmp(mode, "noarg") == 0) {
        /* argv: self ./script2 x1 x2 (argv[0] of the execve is dropped) */
        CHECK_EQ_LONG(argc, 4);
        if (argc == 4) {
            CHECK(strcmp(argv[1], "./script2") == 0, "script path");
            CHECK(strcmp(argv[2], "x1") == 0 && strcmp(argv[3], "x2") == 0, "arguments");
        }
    } else if (strcmp(mode, "nested") == 0) {
        /* script3 is "#!<abs>/script\n", script is "#!self --interp-arg two  words":
         * argv: self "--interp-arg two  words" <abs>/script ./script3 y */
        CHECK_EQ_LONG(argc, 5);
        if (argc == 5) {
            CHECK(strcmp(argv[1], "--interp-arg two  words") == 0, "outer interpreter argument");
            CHECK(strstr(argv[2], "/script") != NULL, "inner script path");
            CHECK(strcmp(argv[3], "./script3") == 0, "outer script path");
            CHECK(strcmp(argv[4], "y") == 0, "outer script argument");
        }
    }
    if (apus_failure_count)
        test_finish("exec_script (interpreter)");
    return apus_failure_count ? 1 : 33;
}

static int run(const char *path, char **args, const char *mode)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        char env[64];
        snprintf(env, sizeof env, "APUS_SCRIPT_MODE=%s", mode);
        char *envs[] = {env, NULL};
        execve(path, args, envs);
        _exit(100 + errno);
    }
    return child_exit_status(pid);
}

int main(int argc, char **argv)
{
    if (getenv("APUS_SCRIPT_MODE"))
        return interpreter_mode(argc, argv);
    CHECK_OK(apus_self_path(argv[0], self, sizeof self));
    if (test_enter_scratch_dir("exec_script") != 0)
        return test_finish("exec_script");
    char text[4400];

    /* "#!interp arg" with spaces inside the argument and trailing blanks. */
    snprintf(text, sizeof text, "#! %s --interp-arg two  words \t\nthis line is ignored\n", self);
    CHECK_OK(apus_write_file("script", text, strlen(text)));
    CHECK_OK(chmod("script", 0755));
    char *a1[] = {"ignored-argv0", "x1", NULL};
    CHECK_EQ_LONG(run("./script", a1, "onearg"), 33);

    /* "#!interp" with no argument. */
    snprintf(text, sizeof text, "#!%s\n", self);
    CHECK_OK(apus_write_file("script2", text, strlen(text)));
    CHECK_OK(chmod("script2", 0755));
    char *a2[] = {"ignored-argv0", "x1", "x2", NULL};
    CHECK_EQ_LONG(run("./script2", a2, "noarg"), 33);

    /* A script whose interpreter is another script. */
    snprintf(text, sizeof text, "#!%s/script\n", apus_scratch_dir);
    CHECK_OK(apus_write_file("script3", text, strlen(text)));
    CHECK_OK(chmod("script3", 0755));
    char *a3[] = {"ignored-argv0", "y", NULL};
    CHECK_EQ_LONG(run("./script3", a3, "nested"), 33);

    /* Errors. */
    char *args[] = {"x", NULL};
    char *envs[] = {NULL};
    CHECK_OK(apus_write_file("noexec", text, strlen(text)));
    CHECK_OK(chmod("noexec", 0644));
    CHECK_ERR(execve("./noexec", args, envs), EACCES);
    CHECK_OK(apus_write_file("badinterp", "#!/nonexistent/interpreter\n", 27));
    CHECK_OK(chmod("badinterp", 0755));
    CHECK_ERR(execve("./badinterp", args, envs), ENOENT);
    CHECK_OK(apus_write_file("notexecinterp", "#!/tmp\n", 7)); /* a directory */
    CHECK_OK(chmod("notexecinterp", 0755));
    CHECK_ERR(execve("./notexecinterp", args, envs), EACCES);
    /* A script that names itself loops until the nesting limit. */
    snprintf(text, sizeof text, "#!%s/selfloop\n", apus_scratch_dir);
    CHECK_OK(apus_write_file("selfloop", text, strlen(text)));
    CHECK_OK(chmod("selfloop", 0755));
    CHECK_ERR(execve("./selfloop", args, envs), ELOOP);

    test_leave_scratch_dir();
    return test_finish("exec_script");
}
