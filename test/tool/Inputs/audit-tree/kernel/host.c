/* Names no kthread API itself: analysed because it includes helper.c,
 * as kernel/sched/build_utility.c includes wait.c. */
#include <linux/kernel.h>
#include "helper.c"

int host_init(void) { return helper_start(); }
