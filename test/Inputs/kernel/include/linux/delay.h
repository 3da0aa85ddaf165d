#ifndef _MOCK_LINUX_DELAY_H
#define _MOCK_LINUX_DELAY_H
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
static inline void ssleep(unsigned int seconds) { msleep(seconds * 1000); }
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);
#endif
