#include "foo.h"

void foo_irq(struct foo_dev *dev)
{
	complete(&dev->event_done);
}
