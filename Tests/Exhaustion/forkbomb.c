/* The fork bomb :(){ :|:& };: in busybox sh, as an unprivileged user. It never
 * ends by itself: init stops it (--stop-after) and kills the user's processes. */
#include "hog.h"

int main(void)
{
    hog_become_nobody();
    char *argv[] = { "sh", "-c", ":(){ :|:& };:", NULL };
    execv("/bin/busybox", argv);
    hog_say("forkbomb: cannot run busybox sh: %s\n", strerror(errno));
    return 1;
}
