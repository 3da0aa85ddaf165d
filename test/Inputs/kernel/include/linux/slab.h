#ifndef _MOCK_LINUX_SLAB_H
#define _MOCK_LINUX_SLAB_H
#include <linux/types.h>
#define GFP_KERNEL 0
void *kzalloc(size_t size, int flags);
void *kmalloc(size_t size, int flags);
void kfree(const void *p);
#endif
