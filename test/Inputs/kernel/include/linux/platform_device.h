/* Mock of include/linux/platform_device.h (v6.1): a platform driver's
 * probe and remove. */
#ifndef _MOCK_LINUX_PLATFORM_DEVICE_H
#define _MOCK_LINUX_PLATFORM_DEVICE_H
#include <linux/device.h>
#include <linux/module.h>
struct platform_device {
	const char *name;
	int id;
	struct device dev;
};
struct platform_driver {
	int (*probe)(struct platform_device *);
	int (*remove)(struct platform_device *);
	void (*remove_new)(struct platform_device *);
	void (*shutdown)(struct platform_device *);
	struct device_driver driver;
};
extern int __platform_driver_register(struct platform_driver *,
					struct module *);
#define platform_driver_register(drv) \
	__platform_driver_register(drv, THIS_MODULE)
extern void platform_driver_unregister(struct platform_driver *);
static inline void *platform_get_drvdata(const struct platform_device *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}
static inline void platform_set_drvdata(struct platform_device *pdev,
					void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}
#endif
