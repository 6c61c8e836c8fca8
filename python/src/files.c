/*
 * files.c - the filesystem of a sandbox from Python: the constructor's
 * options for the in-memory files, host volumes, packages and snapshots as
 * templates, and the methods that read and write a sandbox's files
 * between executions (eryx_sandbox_read_file and friends).
 *
 * The options whose order matters to the library are kept until every
 * keyword is seen and then applied in that order (files_options_finish):
 * the snapshot key before the snapshot, the snapshot (which replaces the
 * configured tree) before the files added to it.
 */
#include <errno.h>

#include "eryxpy.h"

/* A path argument (str, bytes or os.PathLike) as a new bytes object, or
 * NULL with an exception. */
static PyObject *path_bytes(PyObject *value) {
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(value, &bytes)) return NULL;
    return bytes;
}

/* Sets the exception of a failed configuration call: ValueError with the
 * library's message. Returns -1. */
static int config_error(eryx_status st, const char *what, PyObject *value, const char *why) {
    if (st == ERYX_ENOMEM && why[0] == '\0') {
        PyErr_NoMemory();
    } else if (st == ERYX_ENOSPC) {
        PyErr_Format(PyExc_OSError, "%s %R: the file quota is full", what, value);
    } else {
        PyErr_Format(PyExc_ValueError, "%s %R: %s", what, value,
                     why[0] != '\0' ? why : eryx_status_string(st));
    }
    return -1;
}

/* volumes=[(host_dir, guest_dir), (host_dir, guest_dir, read_only), ...] */
int opt_volumes(SandboxObject *self, const char *name, PyObject *value) {
    PyObject *items = PySequence_Fast(value, "volumes must be a list of (host_dir, guest_dir"
                                             "[, read_only]) tuples");
    if (items == NULL) return -1;
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PySequence_Fast_GET_SIZE(items); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        Py_ssize_t n = PyTuple_Check(item) ? PyTuple_GET_SIZE(item) : 0;
        if (n != 2 && n != 3) {
            PyErr_Format(PyExc_TypeError,
                         "%s: each volume is a (host_dir, guest_dir[, read_only]) tuple, not %R",
                         name, item);
            rc = -1;
            break;
        }
        int read_only = n == 3 ? PyObject_IsTrue(PyTuple_GET_ITEM(item, 2)) : 0;
        PyObject *host = path_bytes(PyTuple_GET_ITEM(item, 0));
        PyObject *guest = host != NULL ? path_bytes(PyTuple_GET_ITEM(item, 1)) : NULL;
        if (read_only < 0 || guest == NULL) {
            rc = -1;
        } else {
            char why[512] = "";
            eryx_status st =
                eryx_config_add_volume(self->config, PyBytes_AS_STRING(host),
                                       PyBytes_AS_STRING(guest), read_only, why, sizeof why);
            if (st != ERYX_OK) rc = config_error(st, "cannot mount the volume", item, why);
        }
        Py_XDECREF(host);
        Py_XDECREF(guest);
    }
    Py_DECREF(items);
    return rc;
}

/* packages=[path, ...] */
int opt_packages(SandboxObject *self, const char *name, PyObject *value) {
    (void)name;
    if (PyUnicode_Check(value) || PyBytes_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "packages must be a list of paths, not one path");
        return -1;
    }
    PyObject *items = PySequence_Fast(value, "packages must be a list of paths");
    if (items == NULL) return -1;
    int rc = 0;
    for (Py_ssize_t i = 0; rc == 0 && i < PySequence_Fast_GET_SIZE(items); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        PyObject *path = path_bytes(item);
        if (path == NULL) {
            rc = -1;
            break;
        }
        char why[512] = "";
        eryx_status st =
            eryx_config_add_package(self->config, PyBytes_AS_STRING(path), why, sizeof why);
        if (st != ERYX_OK) rc = config_error(st, "cannot add the package", item, why);
        Py_DECREF(path);
    }
    Py_DECREF(items);
    return rc;
}

int opt_fs_limit(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long bytes;
    if (count_arg(name, value, &bytes) != 0) return -1;
    self->fs_limits_set = true;
    self->fs_bytes = bytes;
    return 0;
}

int opt_fs_max_files(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long n;
    if (count_arg(name, value, &n) != 0) return -1;
    self->fs_limits_set = true;
    self->fs_entries = n;
    return 0;
}

int opt_fs_max_fds(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long n;
    if (count_arg(name, value, &n) != 0) return -1;
    if (n == 0 || n > 1024) {
        PyErr_Format(PyExc_ValueError, "%s out of range (1 to 1024): %R", name, value);
        return -1;
    }
    self->fs_limits_set = true;
    self->fs_fds = (uint32_t)n;
    return 0;
}

int opt_volume_write_budget(SandboxObject *self, const char *name, PyObject *value) {
    unsigned long long bytes;
    if (count_arg(name, value, &bytes) != 0) return -1;
    return eryx_config_set_volume_write_budget(self->config, bytes) == ERYX_OK ? 0 : -1;
}

/* Keeps a bytes-like option (a copy) for files_options_finish. */
static int keep_bytes(const char *name, PyObject *value, PyObject **slot) {
    if (!PyObject_CheckBuffer(value) || PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be bytes, not %.100s", name,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    PyObject *copy = PyBytes_FromObject(value);
    if (copy == NULL) return -1;
    Py_XSETREF(*slot, copy);
    return 0;
}

int opt_snapshot(SandboxObject *self, const char *name, PyObject *value) {
    return keep_bytes(name, value, &self->pending_snapshot);
}

int opt_snapshot_key(SandboxObject *self, const char *name, PyObject *value) {
    return keep_bytes(name, value, &self->pending_key);
}

/* files={"/data/in.csv": b"..." or "text"} */
int opt_files(SandboxObject *self, const char *name, PyObject *value) {
    if (!PyDict_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a dict {guest_path: bytes or str}", name);
        return -1;
    }
    Py_XSETREF(self->pending_files, PyDict_Copy(value));
    return self->pending_files != NULL ? 0 : -1;
}

/* The content of a file option or argument: bytes-like, or str as UTF-8.
 * A new bytes object or NULL with TypeError. */
static PyObject *content_bytes(PyObject *data) {
    if (PyUnicode_Check(data)) return PyUnicode_AsUTF8String(data);
    if (PyObject_CheckBuffer(data)) return PyBytes_FromObject(data);
    PyErr_Format(PyExc_TypeError, "file content must be bytes or str, not %.100s",
                 Py_TYPE(data)->tp_name);
    return NULL;
}

static int add_files(SandboxObject *self, PyObject *files) {
    Py_ssize_t pos = 0;
    PyObject *key, *data;
    while (PyDict_Next(files, &pos, &key, &data)) {
        PyObject *path = path_bytes(key);
        PyObject *content = path != NULL ? content_bytes(data) : NULL;
        int rc = 0;
        if (content == NULL) {
            rc = -1;
        } else {
            char why[512] = "";
            eryx_status st = eryx_config_add_file(
                self->config, PyBytes_AS_STRING(path), PyBytes_AS_STRING(content),
                (size_t)PyBytes_GET_SIZE(content), why, sizeof why);
            if (st != ERYX_OK) rc = config_error(st, "cannot add the file", key, why);
        }
        Py_XDECREF(path);
        Py_XDECREF(content);
        if (rc != 0) return -1;
    }
    return 0;
}

int files_options_finish(SandboxObject *self) {
    int rc = 0;
    if (self->fs_limits_set &&
        eryx_config_set_fs_limits(self->config, self->fs_bytes, self->fs_entries, self->fs_fds) !=
            ERYX_OK) {
        PyErr_SetString(PyExc_ValueError, "fs_max_fds out of range (1 to 1024)");
        rc = -1;
    }
    if (rc == 0 && self->pending_key != NULL) {
        Py_ssize_t len = PyBytes_GET_SIZE(self->pending_key);
        if (len < 1 || len > 64 ||
            eryx_config_set_snapshot_key(self->config, PyBytes_AS_STRING(self->pending_key),
                                         (size_t)len) != ERYX_OK) {
            PyErr_SetString(PyExc_ValueError, "snapshot_key must be 1 to 64 bytes");
            rc = -1;
        }
    }
    if (rc == 0 && self->pending_snapshot != NULL) {
        char why[512] = "";
        eryx_status st = eryx_config_set_snapshot(
            self->config, PyBytes_AS_STRING(self->pending_snapshot),
            (size_t)PyBytes_GET_SIZE(self->pending_snapshot), why, sizeof why);
        if (st == ERYX_ENOMEM && why[0] == '\0') {
            PyErr_NoMemory();
            rc = -1;
        } else if (st != ERYX_OK) {
            PyErr_Format(PyExc_ValueError, "cannot start from the snapshot: %s",
                         why[0] != '\0' ? why : eryx_status_string(st));
            rc = -1;
        }
    }
    if (rc == 0 && self->pending_files != NULL) rc = add_files(self, self->pending_files);
    Py_CLEAR(self->pending_snapshot);
    Py_CLEAR(self->pending_key);
    Py_CLEAR(self->pending_files);
    return rc;
}

/* ======================================================================
 * A sandbox's files, between executions
 * ====================================================================== */

/* Raises for a failed file function on `path`; returns NULL. */
static PyObject *file_error(eryx_status st, PyObject *path) {
    PyObject *args = NULL;
    switch (st) {
    case ERYX_ENOENT:
    case ERYX_ENOSPC:
        args = st == ERYX_ENOENT
                   ? Py_BuildValue("(isO)", ENOENT, "No such file or directory", path)
                   : Py_BuildValue("(isO)", ENOSPC, "The sandbox's file quota is full", path);
        if (args != NULL)
            PyErr_SetObject(st == ERYX_ENOENT ? PyExc_FileNotFoundError : PyExc_OSError, args);
        Py_XDECREF(args);
        break;
    case ERYX_EINVAL:
        PyErr_Format(PyExc_ValueError,
                     "not possible on %R: a directory where a file is meant (or a file where a "
                     "directory is), a non-empty directory, or a path that is not absolute, has "
                     "'.' or '..', or is outside the in-memory files (/lib, volumes, packages)",
                     path);
        break;
    default:
        return status_error(st, "the file operation failed");
    }
    return NULL;
}

/* Parses the one path argument of a file method into a new bytes object. */
static PyObject *path_argument(SandboxObject *self, PyObject *path) {
    if (!ready(self)) return NULL;
    return path_bytes(path);
}

PyObject *sandbox_read_file(SandboxObject *self, PyObject *path) {
    PyObject *p = path_argument(self, path);
    if (p == NULL) return NULL;
    void *data = NULL;
    size_t len = 0;
    eryx_status st = eryx_sandbox_read_file(self->sandbox, PyBytes_AS_STRING(p), &data, &len);
    PyObject *out =
        st == ERYX_OK ? PyBytes_FromStringAndSize(data, (Py_ssize_t)len) : file_error(st, path);
    eryx_free(data);
    Py_DECREF(p);
    return out;
}

PyObject *sandbox_write_file(SandboxObject *self, PyObject *args) {
    PyObject *path, *data;
    if (!PyArg_ParseTuple(args, "OO:write_file", &path, &data)) return NULL;
    PyObject *p = path_argument(self, path);
    PyObject *content = p != NULL ? content_bytes(data) : NULL;
    PyObject *out = NULL;
    if (content != NULL) {
        eryx_status st =
            eryx_sandbox_write_file(self->sandbox, PyBytes_AS_STRING(p), PyBytes_AS_STRING(content),
                                    (size_t)PyBytes_GET_SIZE(content));
        out = st == ERYX_OK ? Py_NewRef(Py_None) : file_error(st, path);
    }
    Py_XDECREF(p);
    Py_XDECREF(content);
    return out;
}

PyObject *sandbox_list_dir(SandboxObject *self, PyObject *args) {
    PyObject *path = NULL;
    if (!PyArg_ParseTuple(args, "|O:list_dir", &path)) return NULL;
    PyObject *default_dir = NULL;
    if (path == NULL) path = default_dir = PyUnicode_FromString("/data");
    PyObject *p = path != NULL ? path_argument(self, path) : NULL;
    PyObject *out = NULL;
    if (p != NULL) {
        char *json = NULL;
        eryx_status st = eryx_sandbox_list_dir(self->sandbox, PyBytes_AS_STRING(p), &json);
        out = st == ERYX_OK ? json_to_python(json, strlen(json)) : file_error(st, path);
        eryx_free(json);
    }
    Py_XDECREF(p);
    Py_XDECREF(default_dir);
    return out;
}

PyObject *sandbox_remove_file(SandboxObject *self, PyObject *path) {
    PyObject *p = path_argument(self, path);
    if (p == NULL) return NULL;
    eryx_status st = eryx_sandbox_remove_file(self->sandbox, PyBytes_AS_STRING(p));
    Py_DECREF(p);
    return st == ERYX_OK ? Py_NewRef(Py_None) : file_error(st, path);
}
