#ifndef _MOCK_LINUX_PRINTK_H
#define _MOCK_LINUX_PRINTK_H
#include <linux/compiler.h>
#define KERN_ERR	"\0013"
#define KERN_INFO	"\0016"
__printf(1, 2) int _printk(const char *fmt, ...);
#define printk(fmt, ...) _printk(fmt, ##__VA_ARGS__)
#define pr_fmt(fmt) fmt
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn pr_err
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__warn_printk("WARN_ON\n");				\
	unlikely(__ret_warn_on);					\
})
__printf(1, 2) void __warn_printk(const char *fmt, ...);
#define BUG_ON(c) do { if (unlikely(c)) __builtin_trap(); } while (0)
#endif
