// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: m5602_s5k83a: check return value of kthread_create
 * source: lore <1492939605-25977-1-git-send-email-bianpan201602@163.com> (Pan Bian, linux-media; the same IS_ERR() block is in linux-6.1 drivers/media/usb/gspca/m5602/m5602_s5k83a.c, where kthread_create()+wake_up_process() has since become kthread_run())
 * file: drivers/media/usb/gspca/m5602/m5602_s5k83a.c
 * date: 2017-04-23
 * class: is-err
 * bug: none: the result is tested with IS_ERR() before wake_up_process(), and the
 *      field is reset to NULL so s5k83a_stop() skips it.
 * expect: none
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>

#define MODULE_NAME "ALi m5602"

#define M5602_XB_GPIO_DAT		0x22
#define S5K83A_GPIO_ROTATION_MASK	0x40
#define S5K83A_GPIO_LED_MASK		0x10

/* Stand-ins for gspca.h / m5602_bridge.h (private driver headers), cut to the
 * fields the rotation thread and its start/stop use. */
struct gspca_dev {
	struct usb_device *dev;
	struct mutex usb_lock;		/* usb exchange protection */
};

struct s5k83a_ctrl {
	s32 val;
};

struct sd;

struct m5602_sensor {
	char name[32];
	int (*probe)(struct sd *sd);
	int (*start)(struct sd *sd);
	int (*stop)(struct sd *sd);
	void (*disconnect)(struct sd *sd);
};

struct sd {
	struct gspca_dev gspca_dev;

	/* A pointer to the currently connected sensor */
	const struct m5602_sensor *sensor;

	/* Camera rotation polling thread for "flipable" cams */
	struct task_struct *rotation_thread;

	struct s5k83a_ctrl *hflip, *vflip;
	struct s5k83a_ctrl ctrls[2];
	u8 fake_gpio;
};

/* Stand-ins for the bridge register access (m5602_core.c). */
static int m5602_read_bridge(struct sd *sd, const u8 address, u8 *i2c_data)
{
	*i2c_data = sd->fake_gpio;
	return 0;
}

static int m5602_write_bridge(struct sd *sd, const u8 address, const u8 i2c_data)
{
	sd->fake_gpio = i2c_data;
	return 0;
}

static int s5k83a_set_flip_real(struct gspca_dev *gspca_dev,
				__s32 vflip, __s32 hflip)
{
	struct sd *sd = (struct sd *) gspca_dev;

	return m5602_write_bridge(sd, 0x01, (vflip ? 0x80 : 0) | (hflip ? 0x40 : 0));
}

static int s5k83a_set_led_indication(struct sd *sd, u8 val)
{
	int err = 0;
	u8 data[1];

	err = m5602_read_bridge(sd, M5602_XB_GPIO_DAT, data);
	if (err < 0)
		return err;

	if (val)
		data[0] = data[0] | S5K83A_GPIO_LED_MASK;
	else
		data[0] = data[0] & ~S5K83A_GPIO_LED_MASK;

	err = m5602_write_bridge(sd, M5602_XB_GPIO_DAT, data[0]);

	return err;
}

/* Get camera rotation on Acer notebooks */
static int s5k83a_get_rotation(struct sd *sd, u8 *reg_data)
{
	int err = m5602_read_bridge(sd, M5602_XB_GPIO_DAT, reg_data);
	*reg_data = (*reg_data & S5K83A_GPIO_ROTATION_MASK) ? 0 : 1;
	return err;
}

static int rotation_thread_function(void *data)
{
	struct sd *sd = (struct sd *) data;
	u8 reg, previous_rotation = 0;
	__s32 vflip, hflip;

	set_current_state(TASK_INTERRUPTIBLE);
	while (!schedule_timeout(msecs_to_jiffies(100))) {
		if (mutex_lock_interruptible(&sd->gspca_dev.usb_lock))
			break;

		s5k83a_get_rotation(sd, &reg);
		if (previous_rotation != reg) {
			previous_rotation = reg;
			pr_info("Camera was flipped\n");

			hflip = sd->hflip->val;
			vflip = sd->vflip->val;

			if (reg) {
				vflip = !vflip;
				hflip = !hflip;
			}
			s5k83a_set_flip_real((struct gspca_dev *) sd,
					      vflip, hflip);
		}

		mutex_unlock(&sd->gspca_dev.usb_lock);
		set_current_state(TASK_INTERRUPTIBLE);
	}

	/* return to "front" flip */
	if (previous_rotation) {
		hflip = sd->hflip->val;
		vflip = sd->vflip->val;
		s5k83a_set_flip_real((struct gspca_dev *) sd, vflip, hflip);
	}

	sd->rotation_thread = NULL;
	return 0;
}

static int s5k83a_probe(struct sd *sd)
{
	/* (sensor detection cut) */
	sd->hflip = &sd->ctrls[0];
	sd->vflip = &sd->ctrls[1];

	sd->rotation_thread = NULL;
	return 0;
}

static int s5k83a_start(struct sd *sd)
{
	int err = 0;

	/* Create another thread, polling the GPIO ports of the camera to check
	   if it got rotated. This is how the windows driver does it so we have
	   to assume that there is no better way of accomplishing this */
	sd->rotation_thread = kthread_create(rotation_thread_function,
					     sd, "rotation thread");
	if (IS_ERR(sd->rotation_thread)) {
		err = PTR_ERR(sd->rotation_thread);
		sd->rotation_thread = NULL;
		return err;
	}
	wake_up_process(sd->rotation_thread);

	/* Preinit the sensor (the start_s5k83a register table is cut) */
	err = m5602_write_bridge(sd, 0x00, 0x00);
	if (err < 0)
		return err;

	return s5k83a_set_led_indication(sd, 1);
}

static int s5k83a_stop(struct sd *sd)
{
	if (sd->rotation_thread)
		kthread_stop(sd->rotation_thread);

	return s5k83a_set_led_indication(sd, 0);
}

static void s5k83a_disconnect(struct sd *sd)
{
	s5k83a_stop(sd);

	sd->sensor = NULL;
}

static const struct m5602_sensor s5k83a = {
	.name = "S5K83A",
	.probe = s5k83a_probe,
	.start = s5k83a_start,
	.stop = s5k83a_stop,
	.disconnect = s5k83a_disconnect,
};

/* m5602_core.c, with the gspca framework cut to stand-ins: gspca calls
 * .start/.stopN when streaming starts and stops. */
static int m5602_start_transfer(struct gspca_dev *gspca_dev)
{
	struct sd *sd = (struct sd *) gspca_dev;

	if (sd->sensor->start)
		sd->sensor->start(sd);

	return 0;
}

static void m5602_stop_transfer(struct gspca_dev *gspca_dev)
{
	struct sd *sd = (struct sd *) gspca_dev;

	/* Run the sensor specific end transfer sequence */
	if (sd->sensor->stop)
		sd->sensor->stop(sd);
}

struct sd_desc {
	int (*start)(struct gspca_dev *);
	void (*stopN)(struct gspca_dev *);
};

/* sub-driver description */
static const struct sd_desc sd_desc = {
	.start = m5602_start_transfer,
	.stopN = m5602_stop_transfer,
};

static const struct sd_desc *m5602_desc = &sd_desc;

static int m5602_probe(struct usb_interface *intf,
		       const struct usb_device_id *id)
{
	struct sd *sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;
	sd->gspca_dev.dev = interface_to_usbdev(intf);
	mutex_init(&sd->gspca_dev.usb_lock);
	sd->sensor = &s5k83a;
	if (sd->sensor->probe(sd)) {
		kfree(sd);
		return -ENODEV;
	}
	usb_set_intfdata(intf, &sd->gspca_dev);
	pr_debug("m5602: streaming ops %ps/%ps\n", m5602_desc->start,
		 m5602_desc->stopN);
	return 0;
}

static void m5602_disconnect(struct usb_interface *intf)
{
	struct gspca_dev *gspca_dev = usb_get_intfdata(intf);
	struct sd *sd = (struct sd *) gspca_dev;

	if (sd->sensor->disconnect)
		sd->sensor->disconnect(sd);

	kfree(sd);
}

static const struct usb_device_id m5602_table[] = {
	{USB_DEVICE(0x0402, 0x5602)},
	{}
};
MODULE_DEVICE_TABLE(usb, m5602_table);

static struct usb_driver sd_driver = {
	.name = MODULE_NAME,
	.id_table = m5602_table,
	.probe = m5602_probe,
	.disconnect = m5602_disconnect,
};

module_usb_driver(sd_driver);

MODULE_LICENSE("GPL");
