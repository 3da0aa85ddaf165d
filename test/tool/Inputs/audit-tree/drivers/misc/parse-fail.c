#include <linux/kernel.h>
/* Builds, but its compile database entry (the .cmd file's command, see the
 * Makefile) has -DSTANDIN_PARSE_FAIL: kthread-lint cannot analyse it, as
 * when a real kernel's flags trip the checker. */
#ifdef STANDIN_PARSE_FAIL
#error the stand-in's parse failure
#endif
static int fn(void *d) { return 0; }
int parse_fail_start(void) { return PTR_ERR_OR_ZERO(kthread_run(fn, NULL, "pf")); }
