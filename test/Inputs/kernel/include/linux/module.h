#ifndef _MOCK_LINUX_MODULE_H
#define _MOCK_LINUX_MODULE_H
#include <linux/types.h>
typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);
#define module_init(initfn)					\
	static inline initcall_t __maybe_unused __inittest(void)	\
	{ return initfn; }					\
	int init_module(void) __attribute__((alias(#initfn)));
#define module_exit(exitfn)					\
	static inline exitcall_t __maybe_unused __exittest(void)	\
	{ return exitfn; }					\
	void cleanup_module(void) __attribute__((alias(#exitfn)));
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define module_param(name, type, perm)
#endif
