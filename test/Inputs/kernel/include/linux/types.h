#ifndef _MOCK_LINUX_TYPES_H
#define _MOCK_LINUX_TYPES_H
#include <linux/compiler.h>
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
typedef unsigned long size_t;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef struct { int counter; } atomic_t;
struct list_head { struct list_head *next, *prev; };
#define ENOMEM 12
#define EINTR 4
#define EINVAL 22
#define ENODEV 19
#define EBUSY 16
#define ETIMEDOUT 110
#define ERESTARTSYS 512
#define NUMA_NO_NODE (-1)
#endif
