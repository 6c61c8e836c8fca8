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

And it makes indirect calls check the callee's type against a class
known when the unit is compiled: the table never changes after it is
initialized (the module has no table.set, table.grow or table.init), so
this script writes it out again as two constant arrays, each function and
the class of its signature (equal signatures, one class; 0: no function),
and a call_indirect of type T becomes a bounds check against a constant,
one load of the class, a comparison with T's class and one load of the
function, instead of five loads (the table's size and data, the entry's
function and type, the registered type of T) and three branches. The host
checks the arrays against the table it builds (Z_guest_init_table) and
refuses to run when they disagree.

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
REGISTER_RE = re.compile(r"^  func_types\[(\d+)\] = wasm_rt_register_func_type\((.*)\);$")
ALLOCATE_RE = re.compile(r"^  wasm_rt_allocate_funcref_table\(&instance->w2c_T0, (\d+), (\d+)\);$")
TABLE_INIT_RE = re.compile(r"^  funcref_table_init\(&instance->w2c_T0, elem_segment_exprs_w2c_e0, "
                           r"(\d+), (\d+)u, 0, (\d+), instance, func_types\);$")
ELEM_RE = re.compile(r"^  \{(\d+), \(wasm_rt_function_ptr_t\)&(w2c_\w+), 0\},$")
CALL_INDIRECT_RE = re.compile(r"CALL_INDIRECT\(instance->w2c_T0, ([^()]*\(\*\)\([^()]*\)), (\d+), ")
TYPED_CALLS = """
/* call_indirect through the constant copy of table T0 (split_wasm2c.py). */
#define ERYX_T0_SIZE %du
extern const u8 eryx_T0_class[ERYX_T0_SIZE] __attribute__((visibility("hidden")));
extern const wasm_rt_function_ptr_t eryx_T0_funcs[ERYX_T0_SIZE]
    __attribute__((visibility("hidden")));
#define CALL_TYPED(t, cls, x, ...)                                      \\
  (LIKELY((x) < ERYX_T0_SIZE && eryx_T0_class[x] == (cls)) ||           \\
       TRAP(CALL_INDIRECT),                                             \\
   ((t)eryx_T0_funcs[x])(__VA_ARGS__))
"""
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


class TypedTable:
    """Table T0 as constants: each entry's function and signature class."""

    def __init__(self, lines):
        registered = {int(m.group(1)): m.group(2)
                      for m in map(REGISTER_RE.match, lines) if m}
        signatures = sorted(set(registered.values()))
        if not registered or len(signatures) > 255:
            sys.exit("split_wasm2c: unexpected function types")
        self.class_of_type = {t: signatures.index(s) + 1 for t, s in registered.items()}
        self.rep_type = {c: t for t, c in sorted(self.class_of_type.items(), reverse=True)}
        sizes = [m.groups() for m in map(ALLOCATE_RE.match, lines) if m]
        inits = [m.groups() for m in map(TABLE_INIT_RE.match, lines) if m]
        start = lines.index("static const wasm_elem_segment_expr_t elem_segment_exprs_w2c_e0[] = {")
        end = lines.index("};", start)
        elems = [ELEM_RE.match(l) for l in lines[start + 1:end]]
        if (len(sizes) != 1 or sizes[0][0] != sizes[0][1] or len(inits) != 1 or not all(elems)
                or "elem_segment_exprs_w2c_e1" in "\n".join(lines)):
            sys.exit("split_wasm2c: unexpected table layout")
        self.size = int(sizes[0][0])
        count, offset, count2 = map(int, inits[0])
        if count != len(elems) or count2 != count or offset + count > self.size:
            sys.exit("split_wasm2c: unexpected table initializer")
        self.entries = [(0, "NULL")] * self.size
        for i, m in enumerate(elems):
            self.entries[offset + i] = (self.class_of_type[int(m.group(1))], "&" + m.group(2))

    def call(self, line):
        """A body line with each call_indirect of T0 made a CALL_TYPED."""
        return CALL_INDIRECT_RE.sub(
            lambda m: "CALL_TYPED(%s, %d, " % (m.group(1), self.class_of_type[int(m.group(2))]),
            line)

    def definitions(self):
        """The arrays, and the check of them against the table the host
        builds from the module: same functions, and classes that are the
        registered types (which is what the original check compares)."""
        ntypes = max(self.class_of_type) + 1
        out = ["const u8 eryx_T0_class[%d] = {%s};" % (
                   self.size, ",".join(str(c) for c, _ in self.entries)),
               "const wasm_rt_function_ptr_t eryx_T0_funcs[%d] = {%s};" % (
                   self.size, ",".join("(wasm_rt_function_ptr_t)" + f if f != "NULL" else f
                                       for _, f in self.entries)),
               "static const u8 eryx_class_of_type[%d] = {%s};" % (
                   ntypes, ",".join(str(self.class_of_type.get(t, 0)) for t in range(ntypes))),
               "static const u16 eryx_class_rep[%d] = {0,%s};" % (
                   len(self.rep_type) + 1,
                   ",".join(str(self.rep_type[c]) for c in range(1, len(self.rep_type) + 1))),
               "static int typed_table_agrees(const wasm_rt_funcref_table_t* t) {",
               "  if (t->size != ERYX_T0_SIZE) return 0;",
               "  for (u32 i = 0; i < %d; i++)" % ntypes,
               "    if (func_types[i] != func_types[eryx_class_rep[eryx_class_of_type[i]]]) return 0;",
               "  for (u32 x = 0; x < ERYX_T0_SIZE; x++) {",
               "    u8 c = eryx_T0_class[x];",
               "    if (t->data[x].func != eryx_T0_funcs[x]) return 0;",
               "    if (c ? t->data[x].func_type != func_types[eryx_class_rep[c]] : t->data[x].func != NULL)",
               "      return 0;",
               "  }",
               "  return 1;",
               "}"]
        return out


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
    table = TypedTable(lines)
    header.append(BASE_ACCESSORS)
    header.append(TSC_INLINE)
    header.append(TYPED_CALLS % table.size)
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
    init += table.definitions()
    # The host builds the function table of a process without instantiating
    # (instances start from a saved image); 0 when the constant copy
    # disagrees with it.
    init.append("int Z_guest_init_table(Z_guest_instance_t* instance) {")
    init.append("  init_tables(instance);")
    init.append("  return typed_table_agrees(&instance->w2c_T0);")
    init.append("}")
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
                l = table.call(l)
            out.append(l)
        write_if_changed(os.path.join(outdir, "guest_f%02d.c" % n), "\n".join(out) + "\n")
    for n in range(len(chunks), 100):
        stale = os.path.join(outdir, "guest_f%02d.c" % n)
        if not os.path.exists(stale):
            break
        os.remove(stale)


if __name__ == "__main__":
    main()
