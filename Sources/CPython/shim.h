// Import the Swift overlay's view of glibc first, so that the system headers Python.h
// includes are seen through that module instead of being re-declared here (which clashes
// with SwiftGlibc in files that import both).
#pragma clang module import SwiftGlibc
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>
#include "ssw_python_symbols.h"

// libpython is not linked: CPythonLoader opens it when a configuration first uses Python and
// records where its data objects are. The names below stand for those objects from here on
// (Py_None, PyLong_Check(), … expand to them); Python.h's own inline functions that still
// name one directly would fail to link, and the list in ssw_python_symbols.h gains it.
#define SSW_PY_DATA_INDEX(name) SSW_PY_DATA_##name,
enum { SSW_PY_DATA(SSW_PY_DATA_INDEX) SSW_PY_DATA_COUNT };
extern void *ssw_py_data[SSW_PY_DATA_COUNT];
#define _Py_NoneStruct (*(PyObject *)ssw_py_data[SSW_PY_DATA__Py_NoneStruct])
#define _Py_TrueStruct (*(struct _longobject *)ssw_py_data[SSW_PY_DATA__Py_TrueStruct])
#define _Py_FalseStruct (*(struct _longobject *)ssw_py_data[SSW_PY_DATA__Py_FalseStruct])
#define PyBool_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyBool_Type])
#define PyCapsule_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyCapsule_Type])
#define PyFloat_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyFloat_Type])
#define PyList_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyList_Type])
#define PyLong_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyLong_Type])
#define PyType_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyType_Type])
#define PyUnicode_Type (*(PyTypeObject *)ssw_py_data[SSW_PY_DATA_PyUnicode_Type])
#define PyExc_AttributeError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_AttributeError])
#define PyExc_KeyError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_KeyError])
#define PyExc_OverflowError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_OverflowError])
#define PyExc_RuntimeError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_RuntimeError])
#define PyExc_TypeError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_TypeError])
#define PyExc_ValueError (*(PyObject **)ssw_py_data[SSW_PY_DATA_PyExc_ValueError])

/// Opens libpython (once) and resolves every symbol in ssw_python_symbols.h. NULL on success,
/// else why not (the text stays valid). Until it succeeded, Py_IsInitialized() and
/// PyGILState_Check() return 0 and any other call aborts with the function's name.
const char *ssw_python_load(void);

// Small helpers for what Swift cannot import from Python.h (object-like macros, variadic
// functions, struct layouts of our own types). Everything else is called directly.

static inline PyObject *ssw_none(void) { return Py_None; }
static inline PyObject *ssw_true(void) { return Py_True; }
static inline PyObject *ssw_false(void) { return Py_False; }
static inline PyObject *ssw_new_none(void) { Py_INCREF(Py_None); return Py_None; }
static inline PyObject *ssw_new_bool(int v) { if (v) { Py_INCREF(Py_True); return Py_True; } Py_INCREF(Py_False); return Py_False; }
static inline void ssw_incref(PyObject *o) { Py_INCREF(o); }
static inline void ssw_decref(PyObject *o) { Py_DECREF(o); }
static inline void ssw_xdecref(PyObject *o) { Py_XDECREF(o); }
static inline int ssw_is_none(PyObject *o) { return o == Py_None; }
static inline PyTypeObject *ssw_type(PyObject *o) { return Py_TYPE(o); }
static inline int ssw_unicode_check(PyObject *o) { return PyUnicode_Check(o); }
static inline int ssw_bytes_check(PyObject *o) { return PyBytes_Check(o); }
static inline int ssw_long_check_exact(PyObject *o) { return PyLong_CheckExact(o); }
static inline int ssw_long_check(PyObject *o) { return PyLong_Check(o); }
static inline int ssw_float_check_exact(PyObject *o) { return PyFloat_CheckExact(o); }
static inline int ssw_bool_check(PyObject *o) { return PyBool_Check(o); }
static inline int ssw_list_check_exact(PyObject *o) { return PyList_CheckExact(o); }
static inline int ssw_dict_check(PyObject *o) { return PyDict_Check(o); }
static inline int ssw_tuple_check(PyObject *o) { return PyTuple_Check(o); }
static inline int ssw_type_check(PyObject *o) { return PyType_Check(o); }
static inline int ssw_capsule_check(PyObject *o) { return PyCapsule_CheckExact(o); }
static inline Py_ssize_t ssw_tuple_size(PyObject *o) { return PyTuple_GET_SIZE(o); }
static inline PyObject *ssw_tuple_item(PyObject *o, Py_ssize_t i) { return PyTuple_GET_ITEM(o, i); }
static inline Py_ssize_t ssw_list_size(PyObject *o) { return PyList_GET_SIZE(o); }
static inline PyObject *ssw_list_item(PyObject *o, Py_ssize_t i) { return PyList_GET_ITEM(o, i); }
static inline void ssw_type_free(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) Py_DECREF(tp);
}

/// `_syslogng.LogMessage` instances: the daemon message behind them and whether it was posted
/// (posted messages are read-only).
typedef struct {
    PyObject_HEAD
    void *message;
    int frozen;
    /// `bookmark=` / `set_bookmark()`: handed to the source's ack tracker when posted.
    PyObject *bookmark;
    /// A message passed to a parser/destination of a `@version` < 4.0 configuration: values
    /// read as bytes, unset names as b'', only str/bytes settable.
    int compat;
} SswMessageObject;

/// `_syslogng.LogSource` / `LogFetcher` instances: the driver binding behind them.
typedef struct {
    PyObject_HEAD
    void *binding;
    PyObject *persist_name;
    /// A `set_transport_name()` made before the driver attached (in `__init__`), as a str.
    PyObject *pending_transport;
    int auto_close_batches;
} SswSourceObject;

/// Lets `LogMessage(text)` skip the argument tuple and the tp_new/tp_init dispatch.
static inline void ssw_set_type_vectorcall(PyObject *type, vectorcallfunc fn) {
    ((PyTypeObject *)type)->tp_vectorcall = fn;
}
static inline Py_ssize_t ssw_vectorcall_nargs(size_t nargsf) { return PyVectorcall_NARGS(nargsf); }
static inline int ssw_unicode_check_exact(PyObject *o) { return PyUnicode_CheckExact(o); }

/// A type's ordinary call (tp_new, then tp_init) from vectorcall arguments: the slow path of a
/// type-level vectorcall (subclasses, keywords, unusual arguments).
static inline PyObject *ssw_type_call_vector(PyObject *callable, PyObject *const *args, size_t nargsf,
                                             PyObject *kwnames) {
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    PyObject *tuple = PyTuple_New(n);
    if (tuple == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tuple, i, args[i]);
    }
    PyObject *kw = NULL;
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        kw = PyDict_New();
        if (kw == NULL) { Py_DECREF(tuple); return NULL; }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
            if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, i), args[n + i]) < 0) {
                Py_DECREF(tuple);
                Py_DECREF(kw);
                return NULL;
            }
        }
    }
    PyObject *result = PyType_Type.tp_call(callable, tuple, kw);
    Py_DECREF(tuple);
    Py_XDECREF(kw);
    return result;
}

static inline Py_ssize_t ssw_message_basicsize(void) { return sizeof(SswMessageObject); }
static inline Py_ssize_t ssw_source_basicsize(void) { return sizeof(SswSourceObject); }
static inline Py_ssize_t ssw_source_persist_name_offset(void) { return offsetof(SswSourceObject, persist_name); }
static inline Py_ssize_t ssw_source_auto_close_offset(void) { return offsetof(SswSourceObject, auto_close_batches); }

/// The datetime C API (a capsule import).
static inline PyDateTime_CAPI *ssw_datetime_api(void) {
    return (PyDateTime_CAPI *)PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
}

static inline PyObject *ssw_exc_type_error(void) { return PyExc_TypeError; }
static inline PyObject *ssw_exc_value_error(void) { return PyExc_ValueError; }
static inline PyObject *ssw_exc_runtime_error(void) { return PyExc_RuntimeError; }
static inline PyObject *ssw_exc_overflow_error(void) { return PyExc_OverflowError; }
static inline PyObject *ssw_exc_key_error(void) { return PyExc_KeyError; }
static inline PyObject *ssw_exc_attribute_error(void) { return PyExc_AttributeError; }
static inline PyObject *ssw_exc_os_error(void) { return PyExc_OSError; }
