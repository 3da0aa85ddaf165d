#ifndef _MOCK_LINUX_FREEZER_H
#define _MOCK_LINUX_FREEZER_H
#include <linux/types.h>
void set_freezable(void);
bool try_to_freeze(void);
#endif
