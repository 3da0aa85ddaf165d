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
/* Module references, and the exit of a thread that holds one (v6.1). */
struct module;
extern struct module __this_module;
#define THIS_MODULE (&__this_module)
void __module_get(struct module *module);
bool try_module_get(struct module *module);
void module_put(struct module *module);
void __module_put_and_kthread_exit(struct module *mod, long code) __noreturn;
#define module_put_and_kthread_exit(code) __module_put_and_kthread_exit(THIS_MODULE, code)
#endif
