# eryx build. Every step caches its outputs under build/; `make` after editing
# one host file recompiles that file and relinks.
#
#   make            library (build/lib), CLI (build/bin/eryx)
#   make demo       set up dependencies, build, run a demo in the sandbox
#   make test       set up dependencies, build, run every test
#   make test-sanitize   host code under AddressSanitizer + UBSan: API, callback and trace tests
#   make bench      benchmarks against native python3.11
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (default 600) each
#   make install PREFIX=DIR

PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
MAKEFLAGS += -j$(JOBS)

B := build
CLANG := clang-19
PY := /usr/bin/python3.11
HOST_CC ?= $(CLANG)
WASM_CC := $(CLANG) --target=wasm32-wasi -mcpu=mvp -msign-ext -mbulk-memory -mmutable-globals \
	-mnontrapping-fptoint

CPY_SRC := $(B)/cpython-src
CPY := $(B)/cpython-wasi
CPY_LIBS := $(CPY)/libpython3.11.a $(CPY)/Modules/_decimal/libmpdec/libmpdec.a \
	$(CPY)/Modules/expat/libexpat.a
GEN := $(B)/gen
GUEST_CHUNKS := 16
GEN_SRCS := $(GEN)/guest_init.c $(foreach i,$(shell seq -w 0 $$(($(GUEST_CHUNKS) - 1))),$(GEN)/guest_f$(i).c)
GEN_OBJS := $(GEN_SRCS:.c=.o)

HOST_SRCS := $(wildcard src/host/*.c)
HOST_OBJS := $(HOST_SRCS:src/host/%.c=$(B)/host/%.o)
HOST_HDRS := $(wildcard src/host/*.h) include/eryx.h src/guest/abi.h
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(B)/fuzz/%)

WARN := -Wall -Wextra -Werror
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -fvisibility=hidden $(WARN) \
	-Iinclude -Isrc/host -Isrc/guest -I$(GEN)
# Generated code: signal-based bounds checks (guard pages), no warnings (not ours).
# The tail-dup limits let LLVM copy a computed goto into each of its hundreds
# of predecessors (the eval loop's dispatch, see tools/split_wasm2c.py).
GEN_CFLAGS := -O3 -fPIC -fvisibility=hidden -w -I$(GEN) -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 \
	-mllvm -tail-dup-pred-size=1000 -mllvm -tail-dup-succ-size=1000

.PHONY: all deps demo test test-sanitize bench fuzz install clean format check-format
.DELETE_ON_ERROR:

all: $(B)/bin/eryx $(B)/lib/liberyx.a $(B)/lib/liberyx.so

# ---- 1. dependencies (Debian packages, CPython source) ----
$(B)/deps/.stamp: scripts/setup-deps.sh
	./scripts/setup-deps.sh
	touch $@
deps: $(B)/deps/.stamp

# ---- 2. CPython for wasm32-wasi ----
# The source depends on the tarball being there, not on when the deps were
# last checked: editing the set-up script must not rebuild CPython.
# Our patches to CPython (patches/): each says why at its top.
CPY_PATCHES := $(sort $(wildcard patches/cpython-*.patch))
$(CPY_SRC)/.stamp: $(CPY_PATCHES) | $(B)/deps/.stamp
	rm -rf $(CPY_SRC) && mkdir -p $(CPY_SRC)
	tar -xzf $$(ls $(B)/deps/python3.11_*.orig.tar.gz | head -n1) -C $(CPY_SRC) --strip-components=1
	for p in $(CPY_PATCHES); do patch -s -p1 -d $(CPY_SRC) < $$p || exit 1; done
	touch $(CPY_SRC)/Modules/Setup.local $@

$(CPY)/Makefile: $(CPY_SRC)/.stamp
	rm -rf $(CPY) && mkdir -p $(CPY)
	cd $(CPY) && CONFIG_SITE=$(CURDIR)/$(CPY_SRC)/Tools/wasm/config.site-wasm32-wasi \
	  PKG_CONFIG_LIBDIR=/nonexistent \
	  $(CURDIR)/$(CPY_SRC)/configure -q --host=wasm32-unknown-wasi \
	  --build=$$($(CURDIR)/$(CPY_SRC)/config.guess) --with-build-python=$(PY) \
	  --disable-test-modules --without-ensurepip \
	  CC="$(WASM_CC)" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 OPT="-DNDEBUG -O2" > configure.log

# sysconfig's data (pybuilddir.txt makes it) is what sysconfig, and so pydoc
# and help(), read about the build.
SYSCONFIGDATA := $(CPY)/build/lib.wasi-wasm32-3.11/_sysconfigdata__wasi_wasm32-wasi.py
$(CPY_LIBS) $(SYSCONFIGDATA) &: $(CPY)/Makefile
	$(MAKE) -C $(CPY) -j$(JOBS) EXTRA_CFLAGS=-Wno-error=int-conversion \
	  libpython3.11.a Modules/_decimal/libmpdec/libmpdec.a Modules/expat/libexpat.a \
	  pybuilddir.txt > $(CPY)/make.log
	touch $(CPY_LIBS) $(SYSCONFIGDATA)

# ---- 3. guest module ----
$(B)/guest/runtime.o: src/guest/runtime.c src/guest/abi.h $(CPY_LIBS)
	@mkdir -p $(@D)
	$(WASM_CC) -std=c11 -O2 $(WARN) -Wno-unused-parameter -I$(CPY) -I$(CPY_SRC)/Include -c $< -o $@

$(B)/guest/guest.wasm: $(B)/guest/runtime.o $(CPY_LIBS)
	$(WASM_CC) -mexec-model=reactor -O2 -o $@ $^ \
	  -lwasi-emulated-signal -lwasi-emulated-getpid -lwasi-emulated-process-clocks -lm \
	  -z stack-size=4194304 -Wl,--stack-first -Wl,--initial-memory=16777216 \
	  -Wl,--max-memory=4294967296 -Wl,--strip-debug

# ---- 4. wasm2c, split for parallel compilation ----
$(GEN)/guest.c $(GEN)/guest.h &: $(B)/guest/guest.wasm
	@mkdir -p $(GEN)
	wasm2c $< -n guest -o $(GEN)/guest.c

$(GEN_SRCS) $(GEN)/guest_impl.h &: $(GEN)/guest.c tools/split_wasm2c.py
	$(PY) tools/split_wasm2c.py $(GEN)/guest.c $(GEN) $(GUEST_CHUNKS)
	touch $(GEN_SRCS) $(GEN)/guest_impl.h

# Profile-guided: the units are compiled twice, instrumented (.pgo.o, also
# what mkimage runs on) and then optimized with the profile of a training
# run over the stdlib corpus (about 12% faster Python).
GEN_PGO_OBJS := $(GEN_SRCS:.c=.pgo.o)
PGO := $(B)/pgo
$(GEN)/%.pgo.o: $(GEN)/%.c $(GEN)/guest_impl.h
	$(HOST_CC) $(GEN_CFLAGS) -fprofile-instr-generate -c $< -o $@

$(GEN)/%.o: $(GEN)/%.c $(GEN)/guest_impl.h $(PGO)/guest.profdata
	$(HOST_CC) $(GEN_CFLAGS) -fprofile-instr-use=$(PGO)/guest.profdata -c $< -o $@

# ---- 5. standard library image ----
$(B)/stdlib.img: tools/pack_stdlib.py src/guest/eryx_runtime.py $(CPY_SRC)/.stamp $(SYSCONFIGDATA)
	$(PY) tools/pack_stdlib.py $(CPY_SRC)/Lib $@ --extra _eryx_runtime.py=src/guest/eryx_runtime.py \
	  --extra $(notdir $(SYSCONFIGDATA))=$(SYSCONFIGDATA)

# Embeds build/NAME.img as the read-only symbols NAME_blob and NAME_blob_size.
$(B)/host/%_blob.o: $(B)/%.img
	@mkdir -p $(@D)
	printf '%s\n' '.section .note.GNU-stack,"",@progbits' '.section .rodata' '.balign 4096' \
	  '.globl $*_blob' '.hidden $*_blob' '$*_blob:' '.incbin "$(CURDIR)/$<"' '$*_blob_end:' \
	  '.balign 8' '.globl $*_blob_size' '.hidden $*_blob_size' \
	  '$*_blob_size: .quad $*_blob_end - $*_blob' > $(B)/host/$*_blob.S
	$(HOST_CC) -c $(B)/host/$*_blob.S -o $@

LIB_DATA_OBJS := $(B)/host/stdlib_blob.o $(B)/host/image_blob.o $(B)/host/build_id.o

# ---- 6. pre-initialized image: the interpreter initialized once, saved ----
$(B)/tools/mkimage: tools/mkimage.c $(HOST_OBJS) $(B)/host/stdlib_blob.o $(GEN_PGO_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fprofile-instr-generate -o $@ $(filter %.c %.o,$^) $(LIB_LDLIBS)

$(B)/image.img: $(B)/tools/mkimage
	@mkdir -p $(PGO)
	LLVM_PROFILE_FILE=$(PGO)/mkimage.profraw $< $@

# What a snapshot must have been written by: this guest, stdlib and image.
$(B)/host/build_id.c: $(B)/guest/guest.wasm $(B)/stdlib.img $(B)/image.img
	printf 'const char build_identity[64] = "%s";\n' $$(cat $^ | sha256sum | cut -c1-64) > $@

$(B)/host/build_id.o: $(B)/host/build_id.c
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# The training program links the host objects, but the profile depends only
# on the generated code: editing host code does not recompile the guest.
$(PGO)/train: tools/pgo_train.c $(HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_PGO_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fprofile-instr-generate -o $@ $(filter %.c %.o,$^) $(LIB_LDLIBS)

$(PGO)/guest.profdata: $(GEN_PGO_OBJS) tools/pgo_train.c $(wildcard tests/corpus/*.py) | $(PGO)/train
	rm -f $(PGO)/train.profraw
	LLVM_PROFILE_FILE=$(PGO)/train.profraw $(PGO)/train $(sort $(wildcard tests/corpus/*.py))
	llvm-profdata-19 merge -o $@ $(PGO)/train.profraw

# ---- 7. host library and CLI ----
$(B)/host/%.o: src/host/%.c $(HOST_HDRS) $(GEN)/guest.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

LIB_LDLIBS := -lpthread -lm -lz

# The whole library as one object in which only the public API (eryx_*)
# stays global: nothing else can clash with the symbols of a host program.
$(B)/lib/eryx.o: $(HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_OBJS)
	@mkdir -p $(@D)
	ld.lld-19 -r -o $@.tmp $^
	objcopy -w --keep-global-symbol='eryx_*' $@.tmp $@
	rm -f $@.tmp

$(B)/lib/liberyx.a: $(B)/lib/eryx.o
	rm -f $@ && llvm-ar-19 rcs $@ $^

$(B)/lib/liberyx.so: $(B)/lib/eryx.o
	$(HOST_CC) -shared -fuse-ld=lld-19 -Wl,-soname,liberyx.so -o $@ $^ $(LIB_LDLIBS)

# The CLI uses the public API only, plus the library's JSON reader compiled in.
CLI_SRCS := $(wildcard src/cli/*.c) src/host/json.c
$(B)/bin/eryx: $(CLI_SRCS) $(wildcard src/cli/*.h) src/host/json.h include/eryx.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude -Isrc/host -o $@ $(CLI_SRCS) \
	  $(B)/lib/liberyx.a $(LIB_LDLIBS)

# ---- demo, tests, benchmarks ----
demo: deps
	$(MAKE) all
	$(B)/bin/eryx run examples/demo.py

test: deps
	$(MAKE) all
	$(MAKE) test-programs
	tests/run.sh

# The embedding example is built with the tests, so that it keeps compiling.
$(B)/examples/%: examples/%.c include/eryx.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

TEST_PROGRAMS := $(B)/examples/host $(B)/tests/test_api $(B)/tests/test_callbacks $(B)/tests/test_sessions \
	$(B)/tests/snapshot_child $(B)/tests/unit_vfs $(B)/tests/unit_json $(B)/asan/test_api \
	$(B)/asan/test_callbacks $(FUZZ_BINS)
test-programs: $(TEST_PROGRAMS)

$(B)/tests/%: tests/%.c tests/check.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

$(B)/tests/unit_json: tests/unit_json.c tests/check.h src/host/json.c src/host/json.h
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=address,undefined -Isrc/host -o $@ tests/unit_json.c src/host/json.c -lm

$(B)/tests/unit_vfs: tests/unit_vfs.c src/host/vfs.c src/host/vfs.h
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=address,undefined -Isrc/host -o $@ tests/unit_vfs.c src/host/vfs.c

# Host code under sanitizers (the generated guest is not instrumented).
ASAN := $(B)/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
$(ASAN)/%.o: src/host/%.c $(HOST_HDRS) $(GEN)/guest.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

ASAN_HOST_OBJS := $(HOST_SRCS:src/host/%.c=$(ASAN)/%.o)
$(ASAN)/test_%: tests/test_%.c tests/check.h $(ASAN_HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_OBJS)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(ASAN_FLAGS) -Iinclude -o $@ $(filter-out %.h,$^) $(LIB_LDLIBS)

# handle_segv=0: guest memory faults are ours to handle (guard pages).
SANITIZER_ENV := ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
test-sanitize: deps
	$(MAKE) all $(ASAN)/test_api $(ASAN)/test_callbacks
	$(SANITIZER_ENV) $(ASAN)/test_api
	$(SANITIZER_ENV) $(ASAN)/test_callbacks

# ---- fuzzing (libFuzzer) ----
# One target per file fuzz/fuzz_NAME.c (LLVMFuzzerTestOneInput), its seed
# inputs in fuzz/corpus/NAME/. Targets link every host object, built again
# with the fuzzer's coverage and ASan/UBSan, and the generated guest (not
# instrumented), so that they can drive a real vm. `make fuzz` runs each for
# FUZZ_SECONDS (new inputs kept under build/fuzz/corpus/NAME); `make test`
# runs each for a few seconds over the seeds (tests/fuzz_smoke.sh).
FUZZ_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 600
$(B)/fuzz/host/%.o: src/host/%.c $(HOST_HDRS) $(GEN)/guest.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

FUZZ_HOST_OBJS := $(HOST_SRCS:src/host/%.c=$(B)/fuzz/host/%.o)
.SECONDARY: $(FUZZ_HOST_OBJS)
$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(FUZZ_HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Iinclude \
	  -Isrc/host -Isrc/guest -I$(GEN) -o $@ $< $(FUZZ_HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_OBJS) \
	  $(LIB_LDLIBS)

fuzz: deps
	$(MAKE) all $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_KEEP=1 tests/fuzz_smoke.sh

$(B)/bench/%: bench/%.c bench/timed.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

bench: all $(B)/bench/bench_create $(B)/bench/bench_trace
	./scripts/setup-bench.sh || echo "bench: no Node.js, Pyodide is left out"
	$(PY) bench/run.py

install: all
	install -d $(PREFIX)/bin $(PREFIX)/lib/pkgconfig $(PREFIX)/include
	install -m 755 $(B)/bin/eryx $(PREFIX)/bin/eryx
	install -m 644 $(B)/lib/liberyx.a $(PREFIX)/lib/liberyx.a
	install -m 755 $(B)/lib/liberyx.so $(PREFIX)/lib/liberyx.so
	install -m 644 include/eryx.h $(PREFIX)/include/eryx.h
	sed -e 's|@PREFIX@|$(abspath $(PREFIX))|' -e 's|@VERSION@|$(shell sed -n 's/^#define ERYX_VERSION "\(.*\)"/\1/p' include/eryx.h)|' \
	  eryx.pc.in > $(PREFIX)/lib/pkgconfig/eryx.pc

FORMATTED := include/*.h src/*/*.c src/*/*.h tests/*.c tests/*.h bench/*.c bench/*.h tools/*.c \
	examples/*.c $(wildcard fuzz/*.c fuzz/*.h)
format:
	clang-format-19 -i $(FORMATTED)
check-format:
	clang-format-19 --dry-run -Werror $(FORMATTED)

clean:
	rm -rf $(B)/host $(B)/asan $(B)/fuzz $(B)/lib $(B)/bin $(B)/tests $(B)/bench $(B)/tools $(B)/guest $(GEN) \
	  $(PGO) $(B)/stdlib.img $(B)/image.img
