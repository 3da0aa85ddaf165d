/* #included into host.c; not compiled on its own. */
static int helper_fn(void *d) { return 0; }

static int helper_start(void)
{
	struct task_struct *t = kthread_run(helper_fn, NULL, "helper");
	if (!t)
		return -ENOMEM;
	return 0;
}
