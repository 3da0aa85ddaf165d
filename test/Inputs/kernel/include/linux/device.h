/* Mock of the parts of include/linux/device.h drivers use (v6.1). */
#ifndef _MOCK_LINUX_DEVICE_H
#define _MOCK_LINUX_DEVICE_H
#include <linux/types.h>
#include <linux/printk.h>
struct module;
typedef unsigned int gfp_t;
struct device_driver {
	const char *name;
	struct module *owner;
};
struct device {
	struct device *parent;
	void *driver_data;
};
void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);
static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | 0x100u);
}
int devm_add_action(struct device *dev, void (*action)(void *), void *data);
static inline int devm_add_action_or_reset(struct device *dev,
					   void (*action)(void *), void *data)
{
	int ret;

	ret = devm_add_action(dev, action, data);
	if (ret)
		action(data);

	return ret;
}
static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}
static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}
__printf(2, 3) void _dev_err(const struct device *dev, const char *fmt, ...);
#define dev_err(dev, fmt, ...) _dev_err(dev, fmt, ##__VA_ARGS__)
__printf(3, 4) int dev_err_probe(const struct device *dev, int err, const char *fmt, ...);
#endif
