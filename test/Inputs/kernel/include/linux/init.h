/* Mock of include/linux/init.h: the initcalls of built-in code (!MODULE),
 * in the shape without PREL32 relocations: a function pointer in an
 * .initcall<level>.init section. Modules get module_init() from module.h. */
#ifndef _MOCK_LINUX_INIT_H
#define _MOCK_LINUX_INIT_H
#include <linux/compiler.h>
#include <linux/module.h>
#ifndef MODULE
#define __define_initcall(fn, id) \
	static initcall_t __initcall_##fn##id __attribute__((__used__)) \
		__attribute__((__section__(".initcall" #id ".init"))) = fn;
#define core_initcall(fn)		__define_initcall(fn, 1)
#define subsys_initcall(fn)		__define_initcall(fn, 4)
#define fs_initcall(fn)			__define_initcall(fn, 5)
#define device_initcall(fn)		__define_initcall(fn, 6)
#define late_initcall(fn)		__define_initcall(fn, 7)
#endif
#endif
