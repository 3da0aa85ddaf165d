#include <linux/kernel.h>
#include "writeback.h"

static int writeback_thread(void *arg)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int writeback_start(struct cached_dev *dc)
{
	dc->writeback_thread = kthread_create(writeback_thread, dc, "bcache_wb");
	if (IS_ERR(dc->writeback_thread))
		return PTR_ERR(dc->writeback_thread);
	writeback_queue(dc);
	return 0;
}
