/*
 * test_modules.c - CPython's own C test helpers, _testcapi and
 * _testinternalcapi (Modules/ of the same source, compiled by CPython's
 * Makefile as it compiles any built-in module), registered as built-in
 * modules of the TEST-ONLY guest of build/test/eryx (make test-cpython).
 * Never linked into the shipped guest: they expose internals no sandboxed
 * program should reach, and configure --disable-test-modules keeps them out
 * of libpython.
 *
 * Registration is a constructor because the guest is a reactor: its
 * _initialize, which the host calls before anything else, runs the
 * constructors, so the modules are in the inittab before runtime.c
 * initializes the interpreter (PyImport_AppendInittab must come before it),
 * without runtime.c knowing about them.
 */
#include <Python.h>
#include <stdlib.h>

PyMODINIT_FUNC PyInit__testcapi(void);
PyMODINIT_FUNC PyInit__testinternalcapi(void);

__attribute__((constructor)) static void add_test_modules(void) {
    /* Fails only when out of memory, at start-up: nothing could run anyway. */
    if (PyImport_AppendInittab("_testcapi", PyInit__testcapi) != 0 ||
        PyImport_AppendInittab("_testinternalcapi", PyInit__testinternalcapi) != 0)
        abort();
}
