#ifndef _MOCK_LINUX_LIST_H
#define _MOCK_LINUX_LIST_H
#include <linux/types.h>
static inline int list_empty(const struct list_head *head) { return READ_ONCE(head->next) == head; }
#endif
