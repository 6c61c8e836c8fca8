#!/usr/bin/env python3
"""Split wasm2c 1.0.32 output into units that compile in parallel.

wasm2c writes one C file: a prologue of macros and static inline helpers,
the module's function declarations, the data segments and table
initializers, the function bodies, and the instantiate/export glue. This
script writes:

  OUT/guest_impl.h   prologue + every function declaration (hidden, not static)
  OUT/guest_init.c   func types, data, tables, exports, instantiate
  OUT/guest_fNN.c    function bodies, in N chunks of about equal size

It also makes indirect calls pass the caller's instance instead of the one
stored in the table entry: there is a single module, so they are the same,
and this lets every instance share one read-only function table.

And it makes loads and stores use the memory base held in a local: the host
never moves linear memory (it lives in a fixed reservation), and a local the
compiler knows is not changed by stores to memory saves reloading the base
from the instance after every store. Those loads do not force the read
(wasm2c's own do, with an empty volatile asm that the compiler must assume
writes memory, so that a load whose value is unused still traps when out of
bounds): a dead load may now be dropped. Nothing the guest can reach changes:
every access that happens is still confined by the guard pages, and live
loads and all stores still fault where they are, which is what forced stops
rely on (vm_interrupt).

And it turns every large br_table (a switch of wasm2c's) into a computed
goto through a table of label addresses whose index is clamped without a
branch: the C compiler then copies the jump into each block that goes back
to it (tail duplication), so the eval loop's opcode dispatch is threaded,
one indirect jump per handler that the branch predictor tells apart,
instead of one shared jump for every opcode.

And it turns calls of the import eryx.tsc (the time stamp of trace events)
into an inline read of the CPU's time stamp counter on x86-64: a call per
traced line would cost more than the read itself (see inline_tsc).

usage: split_wasm2c.py GUEST.c OUTDIR NCHUNKS
"""
import os
import re
import sys

DECL_RE = re.compile(r"^static [^=;{]*\(.*\);$")
DEF_RE = re.compile(r"^static [^=;]*\(")  # bodies may wrap their parameter list
FUNC_TYPES_RE = re.compile(r"^static u32 func_types\[(\d+)\];$")
INDIRECT_RE = re.compile(r"instance->w2c_T0\.data\[[^\]]+\]\.module_instance")
ACCESS_RE = re.compile(r"\b((?:i32|i64|f32|f64)_(?:load|store)(?:8_s|8_u|16_s|16_u|32_s|32_u|8|16|32)?)"
                       r"\(&instance->w2c_memory, ")
DEFINE_RE = re.compile(r"^DEFINE_(LOAD|STORE)\(")
PROLOGUE = "  FUNC_PROLOGUE;"
SWITCH_RE = re.compile(r"^(\s*)switch \((w2c_i\d+)\) \{$")
CASE_RE = re.compile(r"^\s*case (\d+): goto (w2c_\w+);$")
DEFAULT_RE = re.compile(r"^\s*default: goto (w2c_\w+);$")
THREADED_CASES = 32  # smaller switches stay switches
BASE_ACCESSORS = """
/* Loads and stores from a memory base held in a local (see split_wasm2c.py).
 * No forced read (wasm2c's empty asm taking the loaded value): that asm is
 * volatile, so the C compiler must assume it writes any memory, and every
 * load became a barrier to keeping anything in a register across it. */
#define DEFINE_LOAD_B(name, t1, t2, t3)                                 \\
  static inline t3 name##_b(const u8* base, u64 addr) {                 \\
    t1 result;                                                          \\
    wasm_rt_memcpy(&result, base + addr, sizeof(t1));                   \\
    return (t3)(t2)result;                                              \\
  }
#define DEFINE_STORE_B(name, t1, t2)                                    \\
  static inline void name##_b(u8* base, u64 addr, t2 value) {           \\
    t1 wrapped = (t1)value;                                             \\
    wasm_rt_memcpy(base + addr, &wrapped, sizeof(t1));                  \\
  }
"""


TSC_CALL = "(*Z_eryxZ_tsc)(instance->Z_eryx_instance)"
TSC_INLINE = """
/* eryx.tsc inline (see split_wasm2c.py): the host reads the same counter. */
static inline u64 eryx_inline_tsc(struct Z_eryx_instance_t* ctx) {
#if defined(__x86_64__)
  (void)ctx;
  return __builtin_ia32_rdtsc();
#else
  return Z_eryxZ_tsc(ctx);
#endif
}
"""


def inline_tsc(line):
    """A body line with eryx.tsc calls replaced by eryx_inline_tsc."""
    return line.replace(TSC_CALL, "eryx_inline_tsc(instance->Z_eryx_instance)")


def write_if_changed(path, text):
    """Keep mtimes of unchanged units so make recompiles only what changed."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def thread_switches(body):
    """The body with each br_table of THREADED_CASES or more entries made a
    computed goto (see the top)."""
    out, i, n = [], 0, 0
    while i < len(body):
        m = SWITCH_RE.match(body[i])
        cases = []
        j = i + 1
        while m and j < len(body) and CASE_RE.match(body[j]):
            cases.append(CASE_RE.match(body[j]).groups())
            j += 1
        default = DEFAULT_RE.match(body[j]) if m and j < len(body) else None
        dense = [int(c) for c, _ in cases] == list(range(len(cases)))
        if not (default and dense and len(cases) >= THREADED_CASES and body[j + 1].strip() == "}"):
            out.append(body[i])
            i += 1
            continue
        indent, x = m.groups()
        targets = [t for _, t in cases] + [default.group(1)]
        out.append("%s{ static const void* const w2c_jt%d[%d] = {%s};" % (
            indent, n, len(targets), ", ".join("&&" + t for t in targets)))
        out.append("%s  goto *w2c_jt%d[%s < %du ? %s : %du]; }" % (
            indent, n, x, len(cases), x, len(cases)))
        n += 1
        i = j + 2
    return out


def main():
    src, outdir, nchunks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src) as f:
        lines = f.read().split("\n")

    # Locate the sections by their first line.
    i_flag = lines.index("static bool s_module_initialized = false;")
    i_decl = next(i for i in range(i_flag, len(lines)) if DECL_RE.match(lines[i]))
    i_decl_end = next(i for i in range(i_decl, len(lines)) if not DECL_RE.match(lines[i]) and lines[i])
    i_first_fn = next(i for i in range(i_decl_end, len(lines))
                      if DEF_RE.match(lines[i]) and lines[i].startswith("static void w2c_"))
    i_glue = next(i for i in range(i_first_fn, len(lines))
                  if lines[i].startswith("static void init_instance_import("))

    prologue = lines[:i_flag]
    func_types = [l for l in lines[i_flag:i_decl] if FUNC_TYPES_RE.match(l)]
    if len(func_types) != 1:
        sys.exit("split_wasm2c: func_types declaration not found")
    ntypes = FUNC_TYPES_RE.match(func_types[0]).group(1)

    header = ["/* Generated from wasm2c output by tools/split_wasm2c.py. */",
              "#pragma once"]
    header += [l.replace('#include "guest.h"', '#include "guest.h"') for l in prologue]
    if "#if WASM_RT_MEMCHECK_SIGNAL_HANDLER" not in "\n".join(prologue):
        sys.exit("split_wasm2c: unexpected prologue")
    header.append(BASE_ACCESSORS)
    header.append(TSC_INLINE)
    header += [DEFINE_RE.sub(lambda m: "DEFINE_%s_B(" % m.group(1), l)
               for l in prologue if DEFINE_RE.match(l)]
    header.append("#define func_types eryx_guest_func_types")
    header.append("extern u32 func_types[%s];" % ntypes)
    header.append("#define W2C_FN __attribute__((visibility(\"hidden\")))")
    for l in lines[i_decl:i_decl_end]:
        if DECL_RE.match(l):
            header.append("W2C_FN " + l[len("static "):])
    write_if_changed(os.path.join(outdir, "guest_impl.h"), "\n".join(header) + "\n")

    # Init unit: flag, func types, data, tables (everything between the
    # declarations and the first body), then the glue after the bodies.
    init = ['#include "guest_impl.h"']
    for l in lines[i_flag:i_decl]:
        init.append("u32 func_types[%s];" % ntypes if FUNC_TYPES_RE.match(l) else l)
    init += lines[i_decl_end:i_first_fn]
    init += lines[i_glue:]
    # The host builds the function table of a process without instantiating
    # (instances start from a saved image).
    init.append("void Z_guest_init_table(Z_guest_instance_t* instance) { init_tables(instance); }")
    write_if_changed(os.path.join(outdir, "guest_init.c"), "\n".join(init) + "\n")

    # Bodies: split at function starts into chunks of similar size.
    body = thread_switches(lines[i_first_fn:i_glue])
    starts = [i for i, l in enumerate(body) if DEF_RE.match(l)]
    target = len(body) / nchunks
    chunks, cur_start = [], 0
    for s in starts[1:]:
        if s - cur_start >= target and len(chunks) < nchunks - 1:
            chunks.append((cur_start, s))
            cur_start = s
    chunks.append((cur_start, len(body)))
    for n, (a, b) in enumerate(chunks):
        out = ['#include "guest_impl.h"']
        for l in body[a:b]:
            if DEF_RE.match(l):
                l = "W2C_FN " + l[len("static "):]
            elif l == PROLOGUE:
                l = PROLOGUE + " u8* const membase = instance->w2c_memory.data;"
            else:
                l = inline_tsc(ACCESS_RE.sub(r"\1_b(membase, ", INDIRECT_RE.sub("instance", l)))
            out.append(l)
        write_if_changed(os.path.join(outdir, "guest_f%02d.c" % n), "\n".join(out) + "\n")
    for n in range(len(chunks), 100):
        stale = os.path.join(outdir, "guest_f%02d.c" % n)
        if not os.path.exists(stale):
            break
        os.remove(stale)


if __name__ == "__main__":
    main()
