/* Mock of the kernel's compiler helpers, same shapes as include/linux/compiler*.h. */
#ifndef _MOCK_LINUX_COMPILER_H
#define _MOCK_LINUX_COMPILER_H
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __must_check	__attribute__((__warn_unused_result__))
#define __force
#define __noreturn	__attribute__((__noreturn__))
#define __maybe_unused	__attribute__((__unused__))
#define __init
#define __exit
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)
#define barrier()	__asm__ __volatile__("" : : : "memory")
#endif
