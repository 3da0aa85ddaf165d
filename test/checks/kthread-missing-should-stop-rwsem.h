/* The module's own lock, in a header of its directory (fs/f2fs/f2fs.h's
 * f2fs_rwsem under CONFIG_F2FS_UNFAIR_RWSEM): a sleeping lock made of a wait
 * queue, woken by the unlock. Included by kthread-missing-should-stop.c. */
struct drv_rwsem {
	wait_queue_head_t read_waiters;
	int writer;
};

static inline int drv_try_read(struct drv_rwsem *sem)
{
	return !sem->writer;
}

static inline void drv_down_read(struct drv_rwsem *sem)
{
	wait_event(sem->read_waiters, drv_try_read(sem));
}

static inline void drv_up_write(struct drv_rwsem *sem)
{
	sem->writer = 0;
	wake_up_all(&sem->read_waiters);
}
