"""Build of the extension module eryx._eryx (see pyproject.toml).

It links the static library of the repository, build/lib/liberyx.a, and
compiles the library's JSON reader and buffer code (src/host/json.c, buf.c)
in, as the command-line tool does. Nothing is downloaded.
"""
import os
import re

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIBRARY = os.path.join(ROOT, "build", "lib", "liberyx.a")
SOURCES = sorted("src/" + f for f in os.listdir(os.path.join(HERE, "src")) if f.endswith(".c"))


def library_version():
    with open(os.path.join(ROOT, "include", "eryx.h")) as header:
        return re.search(r'#define ERYX_VERSION "([^"]+)"', header.read()).group(1)


class BuildWithLibrary(build_ext):
    """build_ext that says what to do when the library is not built."""

    def run(self):
        if not os.path.exists(LIBRARY):
            raise SystemExit("eryx: %s is missing: run `make` in %s first" % (LIBRARY, ROOT))
        super().run()


os.chdir(HERE)  # the paths below are relative to this folder
setup(
    version=library_version(),
    cmdclass={"build_ext": BuildWithLibrary},
    ext_modules=[Extension(
        "eryx._eryx",
        sources=SOURCES + ["../src/host/json.c", "../src/host/buf.c"],
        include_dirs=["../include", "../src/host"],
        extra_objects=[LIBRARY],
        libraries=["pthread", "m", "z"],
        depends=[LIBRARY, "src/eryxpy.h", "../include/eryx.h", "../src/host/json.h",
                 "../src/host/buf.h"],
        extra_compile_args=["-std=gnu11", "-Wall", "-Wextra", "-Werror"],
    )],
)
