#ifndef _MOCK_LINUX_CLEANUP_H
#define _MOCK_LINUX_CLEANUP_H
/* The shape of v6.12's include/linux/cleanup.h: a guard is a variable with
 * __attribute__((cleanup)) whose constructor takes the lock. The guards of
 * mutex.h and spinlock.h are defined here too, so that only the tests that
 * include this file see them. */
#include <linux/mutex.h>

#define __cleanup(func) __attribute__((__cleanup__(func)))
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define DEFINE_CLASS(_name, _type, _exit, _init, _init_args...)		\
typedef _type class_##_name##_t;					\
static inline void class_##_name##_destructor(_type *p)			\
{ _type _T = *p; _exit; }						\
static inline _type class_##_name##_constructor(_init_args)		\
{ _type t = _init; return t; }

#define CLASS(_name, var)						\
	class_##_name##_t var __cleanup(class_##_name##_destructor) =	\
		class_##_name##_constructor

#define DEFINE_GUARD(_name, _type, _lock, _unlock)			\
	static const bool class_##_name##_is_conditional = 0;		\
	DEFINE_CLASS(_name, _type, if (_T) { _unlock; }, ({ _lock; _T; }), _type _T); \
	static inline void *class_##_name##_lock_ptr(class_##_name##_t *_T) \
	{ return (void *)(unsigned long)*_T; }

#define guard(_name) CLASS(_name, __UNIQUE_ID(guard))

#define __guard_ptr(_name) class_##_name##_lock_ptr
#define __is_cond_ptr(_name) class_##_name##_is_conditional

#define __scoped_guard(_name, _label, args...)				\
	for (CLASS(_name, scope)(args);					\
	     __guard_ptr(_name)(&scope) || !__is_cond_ptr(_name);	\
	     ({ goto _label; }))					\
		if (0) {						\
_label:									\
			break;						\
		} else

#define scoped_guard(_name, args...)					\
	__scoped_guard(_name, __UNIQUE_ID(label), args)

/* DEFINE_LOCK_GUARD_1: a struct holding the lock pointer. */
#define DEFINE_LOCK_GUARD_1(_name, _type, _lock, _unlock)		\
typedef struct { _type *lock; } class_##_name##_t;			\
static const bool class_##_name##_is_conditional = 0;			\
static inline void class_##_name##_destructor(class_##_name##_t *_T)	\
{ if (_T->lock) { _unlock; } }						\
static inline void *class_##_name##_lock_ptr(class_##_name##_t *_T)	\
{ return (void *)(unsigned long)_T->lock; }				\
static inline class_##_name##_t class_##_name##_constructor(_type *l)	\
{ class_##_name##_t _t = { .lock = l }, *_T = &_t; _lock; return _t; }

DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))
DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, spin_lock(_T->lock), spin_unlock(_T->lock))
#endif
