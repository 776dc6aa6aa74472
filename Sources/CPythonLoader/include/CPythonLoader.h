// The libpython loader: see loader.c. Its one entry point is declared in CPython's shim.h
// (ssw_python_load), where Swift sees it.
