// Import the Swift overlay's view of glibc first, so that the system headers Python.h
// includes are seen through that module instead of being re-declared here (which clashes
// with SwiftGlibc in files that import both).
#pragma clang module import SwiftGlibc
#define PY_SSIZE_T_CLEAN
#include <Python.h>
