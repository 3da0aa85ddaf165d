// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: lib: thread names its task with the string, not with a format
 * source: github luainkernel/lunatik pull request #823 ("lib: thread names its task with the string, not with a format", lneto, merged; description: "`thread.run()`'s second argument reached `kthread_run()` as the `namefmt` itself ... The name goes as an argument to a literal format."); before-code: lib/luathread.c as stored in the code index (index file id 66343575926, a version with kthread_run(luathread_func, object, name), luatask and LUNATIK_OPT_MONITOR; its repository and commit were not shown); after-code: the same with the fix the pull request describes, kthread_run(luathread_func, object, "%s", name) (the merged diff itself was not seen; later versions in the index call kthread_create(luathread_func, object, "%s", name))
 * file: lib/luathread.c (out-of-tree module luathread.ko of Lunatik, Lua in the Linux kernel)
 * date: 2026-09-08
 * class: name, busy-loop
 * bug: the name is now an argument of the literal format "%s". Left in place (as in the
 *      before-file): after the body returns, luathread_func() spins in
 *      while (!kthread_should_stop()) if (lunatik_trylock()) break; without sleeping
 *      while another task holds the object's mutex.
 * expect: kthread-busy-loop@luathread_func
 * allow: kthread-exit-before-stop@luathread_func   (the thread returns on
 *      its own, but only after clearing thread->task while holding the
 *      object's lock, or once the stop was requested; luathread_stop() runs
 *      under that lock and stops only a non-NULL task: a lock-protected
 *      hand-made protocol the check cannot see through)
 */
/*
 * Stand-ins for the Lua and Lunatik headers (lua.h, lauxlib.h, lunatik.h) and for
 * luatask.h: a lua_State with a stack counter, luaL_* argument checks, and Lunatik
 * objects as a kref plus a mutex (the lock of a LUNATIK_OPT_MONITOR object, which
 * Lunatik takes around every method call), lunatik_run() as in lunatik.h (lock the
 * runtime, call the handler on its state, unlock). luaL_error()/luaL_argcheck() raise
 * a Lua error, which longjmps out of the C function: they do not return here either.
 * lunatik_copyobjects(), lua_resume() and luatask_new() do no Lua work.
 * The Lua library registration (LUNATIK_CLASSES/LUNATIK_NEWLIB) is reduced to an
 * opener that names the tables.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/err.h>
#include <linux/bug.h>

/* lua.h / lauxlib.h */
typedef struct lua_State {
	int top;
	int nargs;
	const char *strings[8];
	void *objects[8];
} lua_State;
typedef int (*lua_CFunction)(lua_State *L);
typedef struct luaL_Reg {
	const char *name;
	lua_CFunction func;
} luaL_Reg;

#define LUA_OK		0
#define LUA_YIELD	1

static __noreturn void lunatik_raise(lua_State *L)
{
	BUG();	/* lua_error(): longjmp to the protected call */
}

static __printf(2, 3) __noreturn int luaL_error(lua_State *L, const char *fmt, ...)
{
	lunatik_raise(L);
}

#define luaL_argcheck(L, cond, arg, msg) \
	((void)((cond) || (luaL_error((L), "bad argument #%d (%s)", (arg), (msg)), 0)))

static int lua_resume(lua_State *L, lua_State *from, int nargs, int *nresults)
{
	*nresults = 0;
	return LUA_OK;
}

static void lua_pop(lua_State *L, int n)
{
	L->top -= n;
}

static int lua_gettop(lua_State *L)
{
	return L->top;
}

static void lua_pushboolean(lua_State *L, int b)
{
	L->top++;
}

static const char *lua_tostring(lua_State *L, int idx)
{
	return "error";
}

static const char *luaL_checkstring(lua_State *L, int arg)
{
	if (L->strings[arg] == NULL)
		luaL_error(L, "bad argument #%d (string expected)", arg);
	return L->strings[arg];
}

/* lunatik.h */
typedef struct lunatik_class_s {
	const char *name;
	const luaL_Reg *methods;
	lua_CFunction opener;
	int opt;
} lunatik_class_t;

typedef struct lunatik_object_s {
	struct kref kref;
	const lunatik_class_t *class;
	void *private;
	struct mutex mutex;
	lua_State *L;		/* a runtime's state, NULL once stopped */
	int opt;
} lunatik_object_t;

#define LUNATIK_OPT_NONE	0
#define LUNATIK_OPT_MONITOR	1
#define LUNATIK_OPT_IRQ		2

static lunatik_class_t lunatik_class = { .name = "lunatik" };

#define lunatik_lock(o)		mutex_lock(&(o)->mutex)
#define lunatik_unlock(o)	mutex_unlock(&(o)->mutex)
#define lunatik_trylock(o)	mutex_trylock(&(o)->mutex)
#define lunatik_getstate(o)	((o)->L)
#define lunatik_isready(o)	((o)->L != NULL)
#define lunatik_isirq(opt)	((opt) & LUNATIK_OPT_IRQ)
#define lunatik_toruntime(L)	((lunatik_object_t *)(L)->objects[0])

#define lunatik_run(runtime, handler, ret, ...)				\
do {									\
	lunatik_lock(runtime);						\
	lua_State *L = lunatik_getstate(runtime);			\
	ret = L != NULL ? handler(L, ## __VA_ARGS__) : -ENXIO;		\
	lunatik_unlock(runtime);					\
} while (0)

static void lunatik_releaseobject(struct kref *kref)
{
	lunatik_object_t *object = container_of(kref, lunatik_object_t, kref);

	kfree(object->private);
	kfree(object);
}

#define lunatik_getobject(o)	kref_get(&(o)->kref)
#define lunatik_putobject(o)	kref_put(&(o)->kref, lunatik_releaseobject)

static lunatik_object_t *lunatik_newobject(lua_State *L, const lunatik_class_t *class,
	size_t size, int opt)
{
	lunatik_object_t *object = kzalloc(sizeof(*object), GFP_KERNEL);

	if (object == NULL)
		luaL_error(L, "not enough memory");
	object->private = kzalloc(size, GFP_KERNEL);
	if (object->private == NULL) {
		kfree(object);
		luaL_error(L, "not enough memory");
	}
	kref_init(&object->kref);
	mutex_init(&object->mutex);
	object->class = class;
	object->opt = class->opt | opt;
	L->objects[L->top + 1] = object;
	L->top++;
	return object;
}

static lunatik_object_t *lunatik_toobject(lua_State *L, int ix)
{
	return L->objects[ix];
}

static lunatik_object_t *lunatik_checkobjectclass(lua_State *L, int ix,
	const lunatik_class_t *class)
{
	lunatik_object_t *object = L->objects[ix];

	luaL_argcheck(L, object != NULL && object->class == class, ix, "invalid object");
	return object;
}

static void lunatik_checkshareable(lua_State *L, int ix)
{
	luaL_argcheck(L, L->objects[ix] != NULL, ix, "invalid object");
}

static int lunatik_copyobjects(lua_State *Lto, lua_State *L, int ix, int n)
{
	Lto->top += n;
	return LUA_OK;
}

static int lunatik_deleteobject(lua_State *L)
{
	lunatik_object_t *object = lunatik_toobject(L, 1);

	lunatik_putobject(object);
	return 0;
}

/* luatask.h */
static lunatik_object_t *luatask_new(lua_State *L, struct task_struct *task)
{
	return NULL;
}

#define LUNATIK_CLASSES(libname, ...) \
	static const lunatik_class_t *lua##libname##_classes[] = { __VA_ARGS__, NULL }
#define LUNATIK_NEWLIB(libname, funcs, classes)				\
int luaopen_##libname(lua_State *L);					\
int luaopen_##libname(lua_State *L)					\
{									\
	L->objects[0] = (void *)(funcs);				\
	L->objects[1] = (void *)(classes);				\
	return 1;							\
}
#define LUNATIK_OPENER(libname) int luaopen_##libname(lua_State *L)

/* lib/luathread.c */

/***
* Represents a kernel thread object.
* @type thread
*/

typedef struct luathread_s {
	struct task_struct *task;
	lunatik_object_t *runtime;
	int nargs;
} luathread_t;

static int luathread_run(lua_State *L);
static int luathread_current(lua_State *L);
static void luathread_popargs(lunatik_object_t *runtime, int nargs);

static int luathread_resume(lua_State *L, luathread_t *thread)
{
	int nresults;
	int status = lua_resume(L, NULL, thread->nargs, &nresults);
	if (status != LUA_OK && status != LUA_YIELD) {
		pr_err("[%p] %s\n", thread, lua_tostring(L, -1));
		lua_pop(L, 1);
		return -ENOEXEC;
	}
	lua_pop(L, nresults);
	return 0;
}

static int luathread_func(void *data)
{
	lunatik_object_t *object = (lunatik_object_t *)data;
	luathread_t *thread = (luathread_t *)object->private;
	int ret, locked = 0;

	lunatik_run(thread->runtime, luathread_resume, ret, thread);

	while (!kthread_should_stop())
		if ((locked = lunatik_trylock(object)))
			break;

	thread->task = NULL;

	if (locked)
		lunatik_unlock(object);

	lunatik_putobject(thread->runtime);
	lunatik_putobject(object);
	return ret;
}

/***
* Checks if the current thread has been signaled to stop.
* @function shouldstop
* @treturn boolean `true` if the thread should stop, `false` otherwise.
* @usage
* while not thread.shouldstop() do
*   linux.schedule(100)
* end
* @see stop
*/
static int luathread_shouldstop(lua_State *L)
{
	lua_pushboolean(L, (current->flags & PF_KTHREAD) ? (int)kthread_should_stop() : 0);
	return 1;
}

/***
* Stops a running kernel thread.
* Signals the thread to stop and waits for it to exit.
* @function stop
* @tparam thread self thread object to stop.
* @treturn nil
* @usage
* my_thread:stop()
*/
static int luathread_stop(lua_State *L)
{
	lunatik_object_t *object = lunatik_toobject(L, 1);
	luathread_t *thread = (luathread_t *)object->private;
	lunatik_object_t *runtime = thread->runtime;
	struct task_struct *task = thread->task;

	if (runtime == NULL)
		pr_warn("[%p] thread wasn't created by us\n", thread);
	else if (task != NULL) {
		int result = kthread_stop(task);

		if (result == -EINTR) {
			thread->task = NULL;
			luathread_popargs(runtime, thread->nargs);
			lunatik_putobject(thread->runtime);
			lunatik_putobject(object);
			pr_warn("[%p] thread has never run\n", thread);
		}
		else if (result == -ENOEXEC)
			pr_warn("[%p] thread has failed to execute\n", thread);
	}
	else
		pr_warn("[%p] thread has already stopped\n", thread);
	return 0;
}

/***
* Returns a task object for the kernel task associated with the thread.
* Once the thread has exited the object has no task and its methods raise.
* @function task
* @tparam thread self thread object.
* @treturn task
* @usage
* local t = my_thread:task()
* print(t:pid(), t:comm())
*/
static int luathread_task(lua_State *L)
{
	lunatik_object_t *object = lunatik_toobject(L, 1);
	luathread_t *thread = (luathread_t *)object->private;

	luatask_new(L, thread->task);
	return 1;
}

static const luaL_Reg luathread_lib[] = {
	{"run", luathread_run},
	{"shouldstop", luathread_shouldstop},
	{"current", luathread_current},
	{NULL, NULL}
};

static const luaL_Reg luathread_mt[] = {
	{"__gc", lunatik_deleteobject},
	{"stop", luathread_stop},
	{"task", luathread_task},
	{NULL, NULL}
};

LUNATIK_OPENER(thread);
static const lunatik_class_t luathread_class = {
	.name = "thread",
	.methods = luathread_mt,
	.opener = luaopen_thread,
	.opt = LUNATIK_OPT_MONITOR,
};

#define luathread_new(L)	(lunatik_newobject((L), &luathread_class, sizeof(luathread_t), LUNATIK_OPT_NONE))
#define LUATHREAD_ARGIX		3

static void luathread_checkargs(lua_State *L, int nargs)
{
	int i;

	for (i = 0; i < nargs; i++)
		lunatik_checkshareable(L, LUATHREAD_ARGIX + i);
}

static void luathread_pushargs(lua_State *L, lunatik_object_t *runtime, int nargs)
{
	lua_State *Lto;
	int status = LUA_OK;

	lunatik_lock(runtime);
	Lto = lunatik_isready(runtime) ? lunatik_getstate(runtime) : NULL;
	if (Lto != NULL && nargs > 0 && (status = lunatik_copyobjects(Lto, L, LUATHREAD_ARGIX, nargs)) != LUA_OK)
		lua_pop(Lto, 1); /* error message */
	lunatik_unlock(runtime);

	luaL_argcheck(L, Lto != NULL, 1, "stopped runtime"); /* raising under the lock would skip the unlock */
	if (status != LUA_OK)
		luaL_error(L, "couldn't pass the thread arguments");
}

static void luathread_popargs(lunatik_object_t *runtime, int nargs)
{
	lunatik_lock(runtime);
	if (lunatik_isready(runtime))
		lua_pop(lunatik_getstate(runtime), nargs);
	lunatik_unlock(runtime);
}

/***
* Creates and starts a new kernel thread to run a Lua task.
* The runtime must be sleepable; the script it loaded must return a function,
* which becomes the thread body, called with the objects given here.
* @function run
* @tparam runtime runtime A sleepable Lunatik runtime whose script returns a function.
* @tparam string name A descriptive name for the kernel thread.
* @param ... Lunatik objects passed to the thread body.
* @treturn thread A new thread object.
* @raise Error if called during module load, if the runtime is not sleepable or has been stopped,
*   if a value passed to the body is not a Lunatik object or is a `SINGLE` one, if the arguments
*   couldn't be passed, or if thread creation fails.
* @see lunatik.runtime
*/
static int luathread_run(lua_State *L)
{
	luaL_argcheck(L, lunatik_isready(lunatik_toruntime(L)), 1, "not allowed during module load");
	lunatik_object_t *runtime = lunatik_checkobjectclass(L, 1, &lunatik_class);
	luaL_argcheck(L, !lunatik_isirq(runtime->opt), 1, "IRQ runtime cannot spawn threads");
	const char *name = luaL_checkstring(L, 2);
	int nargs = lua_gettop(L) - LUATHREAD_ARGIX + 1;

	luathread_checkargs(L, nargs);

	lunatik_object_t *object = luathread_new(L);
	luathread_t *thread = object->private;

	luathread_pushargs(L, runtime, nargs);
	thread->nargs = nargs;

	lunatik_getobject(object);
	lunatik_getobject(runtime);
	thread->runtime = runtime;

	thread->task = kthread_run(luathread_func, object, "%s", name);
	if (IS_ERR(thread->task)) {
		luathread_popargs(runtime, nargs);
		lunatik_putobject(runtime);
		lunatik_putobject(object);
		luaL_error(L, "failed to create a new thread");
	}

	return 1; /* object */
}

/***
* Gets a thread object representing the current kernel task.
* If the current task was not created by `thread.run()`, the returned
* object will not have an associated Lunatik runtime.
* @function current
* @treturn thread A thread object for the current task.
* @usage
* local t = thread.current()
*/
static int luathread_current(lua_State *L)
{
	lunatik_object_t *object = luathread_new(L);
	luathread_t *thread = object->private;

	thread->runtime = NULL;
	thread->task = current;
	return 1; /* object */
}

LUNATIK_CLASSES(thread, &luathread_class);
LUNATIK_NEWLIB(thread, luathread_lib, luathread_classes);

static int __init luathread_init(void)
{
	return 0;
}

static void __exit luathread_exit(void)
{
}

module_init(luathread_init);
module_exit(luathread_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Lourival Vieira Neto <lourival.neto@ringzero.com.br>");
