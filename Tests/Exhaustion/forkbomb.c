/* The fork bomb :(){ :|:& };: in busybox sh, as an unprivileged user. Busybox's
 * ash refuses ':' as a function name ("bad function name"), so the function is
 * called f; it is the same bomb. It never ends by itself: init stops it
 * (--stop-after) after counting the user's processes, and kills them. */
#include "hog.h"

int main(void)
{
    hog_become_nobody();
    char *argv[] = { "sh", "-c", "f(){ f|f& };f", NULL };
    execv("/bin/busybox", argv);
    hog_say("forkbomb: cannot run busybox sh: %s\n", strerror(errno));
    return 1;
}
