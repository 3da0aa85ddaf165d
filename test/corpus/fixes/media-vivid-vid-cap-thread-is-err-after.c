// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: vivid: fix error handling of kthread_run
 * source: lore <b7aa301d-fab2-03ff-df1e-9d5344134f24@xs4all.nl> (Hans Verkuil, linux-media; Reported-by syzbot+53d5b2df0d9744411e2e; the fixed code is in linux-6.1 drivers/media/test-drivers/vivid/vivid-kthread-cap.c)
 * file: drivers/media/platform/vivid/vivid-kthread-cap.c
 * date: 2018-10-29
 * class: is-err
 * bug: none: dev->kthread_vid_cap is reset to NULL before the error is returned, so
 *      the NULL tests in the start and stop paths see no thread.
 * expect: none
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-core.h>

static unsigned vivid_debug;
module_param(vivid_debug, uint, 0644);
MODULE_PARM_DESC(vivid_debug, " activates debug info");

#define dprintk(dev, level, fmt, arg...) \
	v4l2_dbg(level, vivid_debug, &dev->v4l2_dev, fmt, ## arg)

/* Stand-in for struct vivid_dev (vivid-core.h), cut to the capture-thread
 * fields. */
struct vivid_dev {
	struct v4l2_device		v4l2_dev;
	struct mutex			mutex;
	bool				start_streaming_error;

	/* thread for generating video capture stream */
	struct task_struct		*kthread_vid_cap;
	unsigned long			jiffies_vid_cap;
	u32				cap_seq_offset;
	u32				cap_seq_count;
	bool				cap_seq_resync;
	u32				vid_cap_seq_start;
	u32				vid_cap_seq_count;
	bool				vid_cap_streaming;
	u32				vbi_cap_seq_start;
	u32				vbi_cap_seq_count;
	bool				vbi_cap_streaming;
	u32				meta_cap_seq_start;
	bool				meta_cap_streaming;
	u32				seq_wrap;
	unsigned int			fake_frame_jiffies;
};

/* Stand-ins: frame generation, control grabbing and buffer release. */
static void vivid_thread_vid_cap_tick(struct vivid_dev *dev, int dropped_bufs)
{
	dev->cap_seq_count += dropped_bufs;
}

static void vivid_grab_controls(struct vivid_dev *dev, bool grab)
{
	dprintk(dev, 2, "grab controls %d\n", grab);
}

static void vivid_release_cap_buffers(struct vivid_dev *dev, bool *pstreaming)
{
	dprintk(dev, 2, "release buffers %d\n", *pstreaming);
}

/* vivid_thread_vid_cap(), with the frame-timing arithmetic cut to a fixed
 * period; the stop test, the trylock and the timed wait are the kernel's. */
static int vivid_thread_vid_cap(void *data)
{
	struct vivid_dev *dev = data;
	unsigned long cur_jiffies;
	unsigned wait_jiffies;

	dprintk(dev, 1, "Video Capture Thread Start\n");

	set_freezable();

	/* Resets frame counters */
	dev->cap_seq_offset = 0;
	dev->cap_seq_count = 0;
	dev->cap_seq_resync = false;
	dev->jiffies_vid_cap = jiffies;

	for (;;) {
		try_to_freeze();
		if (kthread_should_stop())
			break;

		if (!mutex_trylock(&dev->mutex)) {
			schedule();
			continue;
		}

		cur_jiffies = jiffies;
		dev->vid_cap_seq_count = dev->cap_seq_count - dev->vid_cap_seq_start;
		dev->vbi_cap_seq_count = dev->cap_seq_count - dev->vbi_cap_seq_start;

		vivid_thread_vid_cap_tick(dev, 0);

		mutex_unlock(&dev->mutex);

		wait_jiffies = dev->fake_frame_jiffies;
		if (!time_is_after_jiffies(cur_jiffies + wait_jiffies))
			continue;

		wait_queue_head_t wait;

		init_waitqueue_head(&wait);
		wait_event_interruptible_timeout(wait, kthread_should_stop(),
					cur_jiffies + wait_jiffies - jiffies);
	}
	dprintk(dev, 1, "Video Capture Thread End\n");
	return 0;
}

static int vivid_start_generating_vid_cap(struct vivid_dev *dev, bool *pstreaming)
{
	dprintk(dev, 1, "%s\n", __func__);

	if (dev->kthread_vid_cap) {
		u32 seq_count = dev->cap_seq_count + dev->seq_wrap * 128;

		if (pstreaming == &dev->vid_cap_streaming)
			dev->vid_cap_seq_start = seq_count;
		else if (pstreaming == &dev->vbi_cap_streaming)
			dev->vbi_cap_seq_start = seq_count;
		else
			dev->meta_cap_seq_start = seq_count;
		*pstreaming = true;
		return 0;
	}

	dev->vid_cap_seq_start = dev->seq_wrap * 128;
	dev->vbi_cap_seq_start = dev->seq_wrap * 128;
	dev->meta_cap_seq_start = dev->seq_wrap * 128;

	dev->kthread_vid_cap = kthread_run(vivid_thread_vid_cap, dev,
			"%s-vid-cap", dev->v4l2_dev.name);

	if (IS_ERR(dev->kthread_vid_cap)) {
		int err = PTR_ERR(dev->kthread_vid_cap);

		dev->kthread_vid_cap = NULL;
		v4l2_err(&dev->v4l2_dev, "kernel_thread() failed\n");
		return err;
	}
	*pstreaming = true;
	vivid_grab_controls(dev, true);

	dprintk(dev, 1, "returning from %s\n", __func__);
	return 0;
}

static void vivid_stop_generating_vid_cap(struct vivid_dev *dev, bool *pstreaming)
{
	dprintk(dev, 1, "%s\n", __func__);

	if (dev->kthread_vid_cap == NULL)
		return;

	*pstreaming = false;
	/* Release all active buffers (cut to a stand-in) */
	vivid_release_cap_buffers(dev, pstreaming);

	if (dev->vid_cap_streaming || dev->vbi_cap_streaming ||
	    dev->meta_cap_streaming)
		return;

	/* shutdown control thread */
	vivid_grab_controls(dev, false);
	kthread_stop(dev->kthread_vid_cap);
	dev->kthread_vid_cap = NULL;
}

/* vivid-vid-cap.c / vivid-vbi-cap.c: the vb2 streaming callbacks that share
 * the one capture thread. */
static int vid_cap_start_streaming(struct vb2_queue *vq, unsigned count)
{
	struct vivid_dev *dev = vb2_get_drv_priv(vq);
	int err;

	dev->vid_cap_seq_count = 0;
	dprintk(dev, 1, "%s\n", __func__);
	if (dev->start_streaming_error) {
		dev->start_streaming_error = false;
		err = -EINVAL;
	} else {
		err = vivid_start_generating_vid_cap(dev, &dev->vid_cap_streaming);
	}
	if (err)
		vivid_release_cap_buffers(dev, &dev->vid_cap_streaming);
	return err;
}

static void vid_cap_stop_streaming(struct vb2_queue *vq)
{
	struct vivid_dev *dev = vb2_get_drv_priv(vq);

	dprintk(dev, 1, "%s\n", __func__);
	vivid_stop_generating_vid_cap(dev, &dev->vid_cap_streaming);
}

static int vbi_cap_start_streaming(struct vb2_queue *vq, unsigned count)
{
	struct vivid_dev *dev = vb2_get_drv_priv(vq);
	int err;

	dprintk(dev, 1, "%s\n", __func__);
	dev->vbi_cap_seq_count = 0;
	if (dev->start_streaming_error) {
		dev->start_streaming_error = false;
		err = -EINVAL;
	} else {
		err = vivid_start_generating_vid_cap(dev, &dev->vbi_cap_streaming);
	}
	if (err)
		vivid_release_cap_buffers(dev, &dev->vbi_cap_streaming);
	return err;
}

static void vbi_cap_stop_streaming(struct vb2_queue *vq)
{
	struct vivid_dev *dev = vb2_get_drv_priv(vq);

	dprintk(dev, 1, "%s\n", __func__);
	vivid_stop_generating_vid_cap(dev, &dev->vbi_cap_streaming);
}

static const struct vb2_ops vivid_vid_cap_qops = {
	.start_streaming	= vid_cap_start_streaming,
	.stop_streaming		= vid_cap_stop_streaming,
};

static const struct vb2_ops vivid_vbi_cap_qops = {
	.start_streaming	= vbi_cap_start_streaming,
	.stop_streaming		= vbi_cap_stop_streaming,
};

/* Stand-in for vivid-core.c's vivid_create_instance(): the queues are set up
 * with these ops (queue registration cut). */
static struct vivid_dev *vivid_devs;

static int __init vivid_init(void)
{
	struct vivid_dev *dev;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	strscpy(dev->v4l2_dev.name, "vivid-000", sizeof(dev->v4l2_dev.name));
	mutex_init(&dev->mutex);
	dev->fake_frame_jiffies = HZ / 30;
	vivid_devs = dev;
	dprintk(dev, 1, "queue ops %ps %ps\n", &vivid_vid_cap_qops,
		&vivid_vbi_cap_qops);
	return 0;
}

static void __exit vivid_exit(void)
{
	kfree(vivid_devs);
}

module_init(vivid_init);
module_exit(vivid_exit);

MODULE_LICENSE("GPL");
