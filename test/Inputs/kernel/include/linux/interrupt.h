#ifndef _MOCK_LINUX_INTERRUPT_H
#define _MOCK_LINUX_INTERRUPT_H
#include <linux/types.h>
typedef int irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int, void *);
#define IRQF_SHARED 0x80
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev);
const void *free_irq(unsigned int irq, void *dev_id);
#endif
