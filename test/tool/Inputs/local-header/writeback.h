/* A driver's own header: its inline helper wakes the thread
 * (drivers/md/bcache/writeback.h bch_writeback_queue()). */
struct cached_dev {
	struct task_struct *writeback_thread;
};

static inline void writeback_queue(struct cached_dev *dc)
{
	if (!IS_ERR_OR_NULL(dc->writeback_thread))
		wake_up_process(dc->writeback_thread);
}
