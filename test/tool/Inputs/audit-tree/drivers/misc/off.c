#include <linux/kernel.h>
/* Names the API, but the config does not compile it (not in OBJS). */
static int fn(void *d) { return 0; }
void off(void) { kthread_create(fn, NULL, "off"); }
