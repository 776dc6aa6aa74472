// libpython, opened when a configuration first uses Python instead of at start-up.
//
// A daemon without Python plugins then never maps libpython or applies its relocations
// (2.4 MiB resident: its text, and 1.2 MiB of data the loader would write). Each libpython
// function the daemon calls has a trampoline here under the function's own name, a single
// jump through a pointer that ssw_python_load() sets with dlsym(); data objects (types, None,
// exception classes) are reached through ssw_py_data (see shim.h). The trampolines are hidden:
// libpython and extension modules only ever see libpython's own definitions.
//
// libpython is opened RTLD_GLOBAL, as if linked: extension modules in lib-dynload resolve
// their Py* references against it.
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../CPython/ssw_python_symbols.h"
#include <patchlevel.h>

#define SSW_STR2(x) #x
#define SSW_STR(x) SSW_STR2(x)
#define SSW_LIBPYTHON "libpython" SSW_STR(PY_MAJOR_VERSION) "." SSW_STR(PY_MINOR_VERSION) ".so.1.0"

#define SSW_PY_DATA_INDEX(name) SSW_PY_DATA_##name,
enum { SSW_PY_DATA(SSW_PY_DATA_INDEX) SSW_PY_DATA_COUNT };
void *ssw_py_data[SSW_PY_DATA_COUNT];

static void ssw_not_loaded(const char *name) {
    fprintf(stderr, "syslog-swift: internal error: %s called before libpython was loaded\n", name);
    abort();
}

static int ssw_zero(void) { return 0; }

// Per function: a stand-in until loading (aborts, naming the function), the pointer the
// trampoline jumps through, and the trampoline.
#define SSW_PY_STANDIN(name) static void ssw_standin_##name(void) { ssw_not_loaded(#name); }
SSW_PY_FUNCTIONS(SSW_PY_STANDIN)

#define SSW_PY_POINTER(name) void *ssw_py_fn_##name = (void *)ssw_standin_##name;
SSW_PY_FUNCTIONS(SSW_PY_POINTER)

#define SSW_PY_TRAMPOLINE(name) \
    __asm__(".text\n" \
            ".globl " #name "\n" \
            ".hidden " #name "\n" \
            ".type " #name ", @function\n" \
            ".p2align 4\n" \
            #name ":\n" \
            "    jmp *ssw_py_fn_" #name "(%rip)\n" \
            ".size " #name ", . - " #name "\n");
SSW_PY_FUNCTIONS(SSW_PY_TRAMPOLINE)

// Queries that are asked before Python may be loaded answer "no" meanwhile.
__attribute__((constructor)) static void ssw_python_standins(void) {
    ssw_py_fn_Py_IsInitialized = (void *)ssw_zero;
    ssw_py_fn_PyGILState_Check = (void *)ssw_zero;
}

static pthread_once_t ssw_once = PTHREAD_ONCE_INIT;
static const char *ssw_error;
static char ssw_error_text[512];

static void ssw_load(void) {
    void *lib = dlopen(SSW_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(ssw_error_text, sizeof ssw_error_text, "cannot open %s: %s", SSW_LIBPYTHON, dlerror());
        ssw_error = ssw_error_text;
        return;
    }
    void *found;
#define SSW_PY_RESOLVE_FN(name) \
    if (!(found = dlsym(lib, #name))) goto missing_##name; \
    ssw_py_fn_##name = found;
#define SSW_PY_RESOLVE_DATA(name) \
    if (!(found = dlsym(lib, #name))) goto missing_##name; \
    ssw_py_data[SSW_PY_DATA_##name] = found;
    SSW_PY_FUNCTIONS(SSW_PY_RESOLVE_FN)
    SSW_PY_DATA(SSW_PY_RESOLVE_DATA)
    return;
#define SSW_PY_MISSING(name) \
missing_##name: \
    snprintf(ssw_error_text, sizeof ssw_error_text, "%s has no symbol %s", SSW_LIBPYTHON, #name); \
    ssw_error = ssw_error_text; \
    return;
    SSW_PY_FUNCTIONS(SSW_PY_MISSING)
    SSW_PY_DATA(SSW_PY_MISSING)
}

const char *ssw_python_load(void) {
    pthread_once(&ssw_once, ssw_load);
    return ssw_error;
}
