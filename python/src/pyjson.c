/*
 * pyjson.c - JSON text <-> Python objects, for callback arguments and
 * results and the guest's `result` (see eryxpy.h). The reader is the
 * library's (src/host/json.c, compiled in as the command-line tool does);
 * the writer is here, in C, because a callback round trip must cost little
 * more than in C (json.dumps would add a few microseconds per call).
 */
#include "eryxpy.h"

#include <math.h>

#include "buf.h"
#include "json.h"

/* Deepest nesting written; beyond it (or in a cycle) the value is refused. */
#define WRITE_MAX_DEPTH 200

static PyObject *from_tree(const json_value *v) {
    switch (json_typeof(v)) {
    case JSON_NULL:
        Py_RETURN_NONE;
    case JSON_BOOL:
        return PyBool_FromLong(json_bool(v));
    case JSON_NUMBER: {
        const char *text = json_number_text(v, NULL);
        /* As json.loads: integers stay exact, everything else is a float. */
        if (strpbrk(text, ".eE") == NULL) return PyLong_FromString(text, NULL, 10);
        return PyFloat_FromDouble(json_number(v));
    }
    case JSON_STRING: {
        size_t len;
        const char *s = json_string(v, &len);
        return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
    }
    case JSON_ARRAY: {
        size_t n = json_length(v);
        PyObject *list = PyList_New((Py_ssize_t)n);
        for (size_t i = 0; list != NULL && i < n; i++) {
            PyObject *item = from_tree(json_array_get(v, i));
            if (item == NULL)
                Py_CLEAR(list);
            else
                PyList_SET_ITEM(list, (Py_ssize_t)i, item);
        }
        return list;
    }
    case JSON_OBJECT: {
        PyObject *dict = PyDict_New();
        for (size_t i = 0; dict != NULL && i < json_length(v); i++) {
            size_t klen;
            const char *k = json_object_key(v, i, &klen);
            PyObject *key = PyUnicode_DecodeUTF8(k, (Py_ssize_t)klen, "replace");
            PyObject *item = key != NULL ? from_tree(json_object_value(v, i)) : NULL;
            if (item == NULL || PyDict_SetItem(dict, key, item) != 0) Py_CLEAR(dict);
            Py_XDECREF(key);
            Py_XDECREF(item);
        }
        return dict;
    }
    case JSON_NONE:
        break;
    }
    PyErr_SetString(PyExc_ValueError, "not a JSON value");
    return NULL;
}

PyObject *json_to_python(const char *text, size_t len) {
    char err[256];
    json_value *tree = json_parse(text, len, err, sizeof err);
    if (tree == NULL) {
        PyErr_Format(PyExc_ValueError, "invalid JSON: %s", err);
        return NULL;
    }
    PyObject *value = from_tree(tree);
    json_free(tree);
    return value;
}

/* ---- writing ---- */

static int write_value(eryx_buf *b, PyObject *v, int depth);

/* A str as a JSON string literal. Lone surrogates cannot be UTF-8: error. */
static int write_str(eryx_buf *b, PyObject *s) {
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(s, &len);
    if (utf8 == NULL) return -1;
    buf_json_string(b, utf8, (size_t)len);
    return 0;
}

/* An int as its decimal digits (int.__repr__: an IntEnum member is its
 * number, as with json.dumps). */
static int write_int(eryx_buf *b, PyObject *v) {
    int overflow;
    long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (!overflow) {
        if (n == -1 && PyErr_Occurred()) return -1;
        buf_printf(b, "%lld", n);
        return 0;
    }
    PyObject *digits = PyLong_Type.tp_repr(v);
    if (digits == NULL) return -1;
    const char *text = PyUnicode_AsUTF8(digits);
    if (text != NULL) buf_puts(b, text);
    Py_DECREF(digits);
    return text != NULL ? 0 : -1;
}

/* A float as float.__repr__ writes it; NaN and infinities are not JSON. */
static int write_float(eryx_buf *b, double d) {
    if (!isfinite(d)) {
        PyErr_Format(PyExc_ValueError, "Out of range float values are not JSON compliant: %s",
                     isnan(d) ? "nan"
                     : d > 0  ? "inf"
                              : "-inf");
        return -1;
    }
    char *text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) return -1;
    buf_puts(b, text);
    PyMem_Free(text);
    return 0;
}

/* A dict key: str as it is; int, float, bool and None as their JSON text
 * in quotes, as json.dumps does. */
static int write_key(eryx_buf *b, PyObject *key) {
    if (PyUnicode_Check(key)) return write_str(b, key);
    eryx_buf text = {0};
    int rc = 0;
    if (key == Py_True || key == Py_False || key == Py_None) {
        buf_puts(&text, key == Py_True ? "true" : key == Py_False ? "false" : "null");
    } else if (PyLong_Check(key)) {
        rc = write_int(&text, key);
    } else if (PyFloat_Check(key)) {
        rc = write_float(&text, PyFloat_AS_DOUBLE(key));
    } else {
        PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %.100s",
                     Py_TYPE(key)->tp_name);
        rc = -1;
    }
    if (rc == 0) buf_json_string(b, text.data, text.len);
    buf_free(&text);
    return rc;
}

static int write_dict(eryx_buf *b, PyObject *dict, int depth) {
    Py_ssize_t pos = 0;
    PyObject *key, *item;
    bool first = true;
    buf_puts(b, "{");
    while (PyDict_Next(dict, &pos, &key, &item)) {
        if (!first) buf_puts(b, ",");
        first = false;
        if (write_key(b, key) != 0) return -1;
        buf_puts(b, ":");
        /* The value may run code (a subclass's __repr__ does not, but a
         * nested container's items may be dropped meanwhile): hold it. */
        Py_INCREF(item);
        int rc = write_value(b, item, depth + 1);
        Py_DECREF(item);
        if (rc != 0) return -1;
    }
    buf_puts(b, "}");
    return 0;
}

static int write_sequence(eryx_buf *b, PyObject *seq, int depth) {
    PyObject *fast = PySequence_Fast(seq, "not a sequence");
    if (fast == NULL) return -1;
    buf_puts(b, "[");
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PySequence_Fast_GET_SIZE(fast); i++) {
        if (i > 0) buf_puts(b, ",");
        rc = write_value(b, PySequence_Fast_GET_ITEM(fast, i), depth + 1);
    }
    Py_DECREF(fast);
    buf_puts(b, "]");
    return rc;
}

static int write_value(eryx_buf *b, PyObject *v, int depth) {
    if (depth > WRITE_MAX_DEPTH) {
        PyErr_SetString(PyExc_ValueError,
                        "value nested too deeply for JSON (or a circular reference)");
        return -1;
    }
    if (v == Py_None) return buf_puts(b, "null"), 0;
    if (v == Py_True) return buf_puts(b, "true"), 0;
    if (v == Py_False) return buf_puts(b, "false"), 0;
    if (PyUnicode_Check(v)) return write_str(b, v);
    if (PyLong_Check(v)) return write_int(b, v);
    if (PyFloat_Check(v)) return write_float(b, PyFloat_AS_DOUBLE(v));
    if (PyDict_Check(v)) return write_dict(b, v, depth);
    if (PyList_Check(v) || PyTuple_Check(v)) return write_sequence(b, v, depth);
    PyErr_Format(PyExc_TypeError, "Object of type %.100s is not JSON serializable",
                 Py_TYPE(v)->tp_name);
    return -1;
}

char *python_to_json(PyObject *value) {
    eryx_buf b = {0};
    if (write_value(&b, value, 0) != 0) {
        buf_free(&b);
        return NULL;
    }
    char *text = buf_take(&b);
    if (text == NULL) PyErr_NoMemory();
    return text;
}
