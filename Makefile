# eryx build. Every step caches its outputs under build/; `make` after editing
# one host file recompiles that file and relinks.
#
#   make            library (build/lib), CLI (build/bin/eryx)
#   make demo       set up dependencies, build, run a demo in the sandbox
#   make test       set up dependencies, build, run every test
#   make test-sanitize   host code under AddressSanitizer + UBSan: API, callback and trace tests
#   make bench      benchmarks against native python3.11
#   make python     the Python package into build/python (python/)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (default 600) each
#   make test-cpython   CPython's own Lib/test modules in the sandbox and natively
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
HOST_HDRS := $(wildcard src/host/*.h) include/eryx.h src/guest/abi.h src/guest/outcome.h
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

.PHONY: FORCE all deps demo test test-cpython test-sanitize bench fuzz install clean format check-format \
	python mcp-client
.DELETE_ON_ERROR:

all: $(B)/bin/eryx $(B)/lib/liberyx.a $(B)/lib/liberyx.so

# ---- 1. dependencies (Debian packages, CPython source) ----
$(B)/deps/.stamp: scripts/setup-deps.sh
	./scripts/setup-deps.sh
	touch $@
deps: $(B)/deps/.stamp

# ---- 2a. C libraries of the guest's modules ----
# zlib, bzip2, liblzma and SQLite from Debian's orig tarballs, compiled with
# CPython's compiler and optimization into static libraries under
# $(WASI_LIBS)/{include,lib}, for zlib, _bz2, _lzma and _sqlite3. Each is its
# own cached step: only its tarball (and for SQLite our port file) rebuilds it.
WASI_LIBS := $(B)/wasi-libs
WASI_LIB_CFLAGS := -O2 -DNDEBUG
WASI_LIB_STAMPS := $(foreach l,zlib bzip2 xz sqlite,$(WASI_LIBS)/$(l).stamp)
unpack = rm -rf $(WASI_LIBS)/$(1) && mkdir -p $(WASI_LIBS)/$(1) $(WASI_LIBS)/include $(WASI_LIBS)/lib && \
	tar -xf $$(ls $(B)/deps/$(2)_*.orig.tar.* | head -n1) -C $(WASI_LIBS)/$(1) --strip-components=1

$(WASI_LIBS)/zlib.stamp: | $(B)/deps/.stamp
	$(call unpack,zlib,zlib)
	cd $(WASI_LIBS)/zlib && for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite \
	  infback inffast inflate inftrees trees uncompr zutil; do \
	  $(WASM_CC) $(WASI_LIB_CFLAGS) -DHAVE_UNISTD_H -c $$f.c -o $$f.o || exit 1; done && \
	  rm -f ../lib/libz.a && llvm-ar-19 rcs ../lib/libz.a *.o && cp zlib.h zconf.h ../include/
	touch $@

$(WASI_LIBS)/bzip2.stamp: | $(B)/deps/.stamp
	$(call unpack,bzip2,bzip2)
	cd $(WASI_LIBS)/bzip2 && for f in blocksort huffman crctable randtable compress decompress bzlib; do \
	  $(WASM_CC) $(WASI_LIB_CFLAGS) -c $$f.c -o $$f.o || exit 1; done && \
	  rm -f ../lib/libbz2.a && llvm-ar-19 rcs ../lib/libbz2.a *.o && cp bzlib.h ../include/
	touch $@

# liblzma without threads; liblzma_wasi.h says what WASI lacks for it.
$(WASI_LIBS)/xz.stamp: src/guest/liblzma_wasi.h | $(B)/deps/.stamp
	$(call unpack,xz,xz-utils)
	cd $(WASI_LIBS)/xz && ./configure -q --host=wasm32-unknown-wasi --build=$$(build-aux/config.guess) \
	  --disable-shared --enable-static --enable-threads=no --disable-xz --disable-xzdec \
	  --disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc \
	  --disable-nls CC="$(WASM_CC)" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 \
	  CFLAGS="$(WASI_LIB_CFLAGS) -D_WASI_EMULATED_SIGNAL -include $(CURDIR)/src/guest/liblzma_wasi.h" \
	  > configure.log && $(MAKE) -s -C src/liblzma > make.log 2>&1 && \
	  cp src/liblzma/.libs/liblzma.a ../lib/ && cp -r src/liblzma/api/lzma.h src/liblzma/api/lzma ../include/
	touch $@

# SQLite: the amalgamation is generated on the build machine (tclsh), then
# compiled through our port file; src/guest/sqlite_wasi.c documents the
# options, the locking and what the port changes.
SQLITE_FLAGS := -D_WASI_EMULATED_GETPID -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
	-DSQLITE_OMIT_WAL -DSQLITE_MAX_MMAP_SIZE=0 -DSQLITE_TEMP_STORE=2 \
	-DSQLITE_EXTRA_INIT=eryx_sqlite_init
$(WASI_LIBS)/sqlite.stamp: src/guest/sqlite_wasi.c | $(B)/deps/.stamp
	$(call unpack,sqlite,sqlite3)
	cd $(WASI_LIBS)/sqlite && ./configure -q --disable-tcl --disable-readline > configure.log && \
	  $(MAKE) -s sqlite3.c > make.log 2>&1
	$(WASM_CC) $(WASI_LIB_CFLAGS) $(SQLITE_FLAGS) -I$(WASI_LIBS)/sqlite -c src/guest/sqlite_wasi.c \
	  -o $(WASI_LIBS)/sqlite/sqlite3.o
	rm -f $(WASI_LIBS)/lib/libsqlite3.a && llvm-ar-19 rcs $(WASI_LIBS)/lib/libsqlite3.a $(WASI_LIBS)/sqlite/sqlite3.o
	cp $(WASI_LIBS)/sqlite/sqlite3.h $(WASI_LIBS)/include/
	touch $@

WASI_LIB_ARCHIVES := $(foreach l,z bz2 lzma sqlite3,$(WASI_LIBS)/lib/lib$(l).a)
# How CPython's configure finds them (it takes these variables as given).
WASI_LIB_VARS := $(foreach v,ZLIB:z BZIP2:bz2 LIBLZMA:lzma LIBSQLITE3:sqlite3,\
	$(word 1,$(subst :, ,$(v)))_CFLAGS="-I$(CURDIR)/$(WASI_LIBS)/include" \
	$(word 1,$(subst :, ,$(v)))_LIBS="-L$(CURDIR)/$(WASI_LIBS)/lib -l$(word 2,$(subst :, ,$(v))) \
	-lwasi-emulated-getpid -lm")

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

# pymalloc, which CPython's configure turns off for WASI: without it every
# small object is a wasi-libc (dlmalloc) malloc/free, 15-20% of the time
# of allocation-heavy programs. Without mmap in WASI its arenas come from
# malloc, so the memory limit and MemoryError work as before.
# Measured and not taken (bench/suite.py A/B, 3 passes, noise about 1%):
# -O3 0.995x of -O2; -O3 with -flto=thin (LTO at the wasm link) 0.980x of
# -O3, for a 20% larger guest, 2.5 MB more library and 60% more build time;
# -march=native -ffp-contract=off for the generated C (GEN_CFLAGS) 1.002x;
# with ThinLTO of the generated units (see below), -flto=thin for CPython at
# the wasm link as well 0.997x, for 1.8 MB more and 3 minutes more build.
CPY_CONFIGURE_FLAGS := --with-pymalloc
CPY_OPT := -DNDEBUG -O2
# configure reruns when these change.
$(B)/cpython-wasi.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CPY_CONFIGURE_FLAGS) $(CPY_OPT)' | cmp -s - $@ || echo '$(CPY_CONFIGURE_FLAGS) $(CPY_OPT)' > $@

$(CPY)/Makefile: $(CPY_SRC)/.stamp $(WASI_LIB_STAMPS) $(B)/cpython-wasi.flags
	rm -rf $(CPY) && mkdir -p $(CPY)
	cd $(CPY) && CONFIG_SITE=$(CURDIR)/$(CPY_SRC)/Tools/wasm/config.site-wasm32-wasi \
	  PKG_CONFIG_LIBDIR=/nonexistent \
	  $(CURDIR)/$(CPY_SRC)/configure -q --host=wasm32-unknown-wasi \
	  --build=$$($(CURDIR)/$(CPY_SRC)/config.guess) --with-build-python=$(PY) \
	  --disable-test-modules --without-ensurepip $(CPY_CONFIGURE_FLAGS) \
	  CC="$(WASM_CC)" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 OPT="$(CPY_OPT)" $(WASI_LIB_VARS) > configure.log

# sysconfig's data (pybuilddir.txt makes it) is what sysconfig, and so pydoc
# and help(), read about the build.
SYSCONFIGDATA := $(CPY)/build/lib.wasi-wasm32-3.11/_sysconfigdata__wasi_wasm32-wasi.py
$(CPY_LIBS) $(SYSCONFIGDATA) &: $(CPY)/Makefile
	$(MAKE) -C $(CPY) -j$(JOBS) EXTRA_CFLAGS=-Wno-error=int-conversion \
	  libpython3.11.a Modules/_decimal/libmpdec/libmpdec.a Modules/expat/libexpat.a \
	  pybuilddir.txt > $(CPY)/make.log
	touch $(CPY_LIBS) $(SYSCONFIGDATA)

# ---- 3. guest module ----
GUEST_OBJS := $(B)/guest/runtime.o $(B)/guest/outcome.o
$(B)/guest/%.o: src/guest/%.c src/guest/abi.h src/guest/outcome.h $(CPY_LIBS)
	@mkdir -p $(@D)
	$(WASM_CC) -std=c11 -O2 $(WARN) -Wno-unused-parameter -I$(CPY) -I$(CPY_SRC)/Include -c $< -o $@

# Links the guest module from the prerequisites (the test-only guest too).
LINK_GUEST = $(WASM_CC) -mexec-model=reactor -O2 -o $@ $(filter-out %.stamp,$^) \
	$(WASI_LIB_ARCHIVES) -lwasi-emulated-signal -lwasi-emulated-getpid \
	-lwasi-emulated-process-clocks -lm -z stack-size=4194304 -Wl,--stack-first \
	-Wl,--initial-memory=16777216 -Wl,--max-memory=4294967296 -Wl,--strip-debug
$(B)/guest/guest.wasm: $(GUEST_OBJS) $(CPY_LIBS) $(WASI_LIB_STAMPS)
	$(LINK_GUEST)

# ---- 4. wasm2c, split for parallel compilation ----
$(GEN)/guest.c $(GEN)/guest.h &: $(B)/guest/guest.wasm
	@mkdir -p $(GEN)
	wasm2c $< -n guest -o $(GEN)/guest.c

$(GEN_SRCS) $(GEN)/guest_impl.h &: $(GEN)/guest.c tools/split_wasm2c.py
	$(PY) tools/split_wasm2c.py $(GEN)/guest.c $(GEN) $(GUEST_CHUNKS)
	touch $(GEN_SRCS) $(GEN)/guest_impl.h

# Profile-guided: the units are compiled twice, instrumented (.pgo.o, also
# what mkimage runs on) and then optimized with the profile of a training
# run (about 12% faster Python; see the training set below).
GEN_PGO_OBJS := $(GEN_SRCS:.c=.pgo.o)
PGO := $(B)/pgo
$(GEN)/%.pgo.o: $(GEN)/%.c $(GEN)/guest_impl.h
	$(HOST_CC) $(GEN_CFLAGS) -fprofile-instr-generate -c $< -o $@

# Measured and not taken: ThinLTO over the units (bitcode linked into one
# native object by ld.lld -r --lto-O2), 0.980x (train 0.977, held-out
# 0.983), because the eval loop's frame grows with what it inlines: under
# a 1 MiB stack a C-recursive repr() chain stopped at depth 942 instead of
# about 1120, below the default recursion limit (tests/test_hardening.py).
$(GEN)/%.o: $(GEN)/%.c $(GEN)/guest_impl.h $(PGO)/guest.profdata
	$(HOST_CC) $(GEN_CFLAGS) -fprofile-instr-use=$(PGO)/guest.profdata -c $< -o $@

# ---- 5. standard library image ----
# Its files' time is the CPython release's (SOURCE_DATE_EPOCH overrides it).
STDLIB_PACK = $(PY) tools/pack_stdlib.py $(CPY_SRC)/Lib $@ \
	--extra _eryx_runtime.py=src/guest/eryx_runtime.py --tzdata /usr/share/zoneinfo \
	--extra $(notdir $(SYSCONFIGDATA))=$(SYSCONFIGDATA) \
	--date-of $$(ls $(B)/deps/python3.11_*.orig.tar.gz | head -n1)
$(B)/stdlib.img: tools/pack_stdlib.py src/guest/eryx_runtime.py $(CPY_SRC)/.stamp $(SYSCONFIGDATA)
	$(STDLIB_PACK)

# Embeds $< as the read-only symbols $(1)_blob and $(1)_blob_size.
define embed_blob
	@mkdir -p $(@D)
	printf '%s\n' '.section .note.GNU-stack,"",@progbits' '.section .rodata' '.balign 4096' \
	  '.globl $(1)_blob' '.hidden $(1)_blob' '$(1)_blob:' '.incbin "$(CURDIR)/$<"' '$(1)_blob_end:' \
	  '.balign 8' '.globl $(1)_blob_size' '.hidden $(1)_blob_size' \
	  '$(1)_blob_size: .quad $(1)_blob_end - $(1)_blob' > $(@:.o=.S)
	$(HOST_CC) -c $(@:.o=.S) -o $@
endef
$(B)/host/%_blob.o: $(B)/%.img
	$(call embed_blob,$*)

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

# The training runs the stdlib corpus and the benchmark suite's training
# half (bench/suite/, "# half: train"), each program calling its bench()
# once; the held-out half shows whether the profile overfits.
PGO_SUITE := $(patsubst bench/suite/%,$(PGO)/suite/%,$(shell grep -l '^# half: train' bench/suite/*.py))
PGO_TRAINING := $(sort $(wildcard tests/corpus/*.py)) $(PGO_SUITE)
$(PGO)/suite/%.py: bench/suite/%.py
	@mkdir -p $(@D)
	{ cat $<; printf '\nbench()\n'; } > $@

$(PGO)/guest.profdata: $(GEN_PGO_OBJS) tools/pgo_train.c $(PGO_TRAINING) | $(PGO)/train
	rm -f $(PGO)/train.profraw
	LLVM_PROFILE_FILE=$(PGO)/train.profraw $(PGO)/train $(PGO_TRAINING)
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

# The web assets of `eryx run --profile` (src/cli/profile/), embedded as
# the NUL-terminated strings profile_report_html, _css and _js.
PROFILE_ASSETS := $(addprefix src/cli/profile/report.,html css js)
$(B)/cli/profile_assets.o: $(PROFILE_ASSETS)
	@mkdir -p $(@D)
	printf '%s\n' '.section .note.GNU-stack,"",@progbits' '.section .rodata' > $(B)/cli/profile_assets.S
	for ext in html css js; do printf '%s\n' ".globl profile_report_$$ext" \
	  ".hidden profile_report_$$ext" "profile_report_$$ext:" \
	  ".incbin \"$(CURDIR)/src/cli/profile/report.$$ext\"" '.byte 0'; done >> $(B)/cli/profile_assets.S
	$(HOST_CC) -c $(B)/cli/profile_assets.S -o $@

# The CLI uses the public API only, plus the library's JSON reader and buffer
# code (UTF-8 checks) compiled in.
CLI_SRCS := $(wildcard src/cli/*.c) src/host/json.c src/host/buf.c
$(B)/bin/eryx: $(CLI_SRCS) $(wildcard src/cli/*.h) src/host/json.h src/host/buf.h include/eryx.h $(B)/lib/liberyx.a \
	  $(B)/cli/profile_assets.o
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude -Isrc/host -o $@ $(CLI_SRCS) \
	  $(B)/cli/profile_assets.o $(B)/lib/liberyx.a $(LIB_LDLIBS)

# ---- 8. Python package (python/): the extension module over liberyx.a ----
# Built by its own setup.py (setuptools from Debian), into build/python,
# where the tests import it; `pip install --no-build-isolation ./python`
# installs the same.
PY_PACKAGE := $(B)/python/.stamp
PY_PACKAGE_SRCS := python/setup.py python/pyproject.toml $(wildcard python/src/*.c python/src/*.h) \
	$(wildcard python/eryx/*) src/host/json.c src/host/buf.c src/host/json.h src/host/buf.h
$(PY_PACKAGE): $(PY_PACKAGE_SRCS) include/eryx.h $(B)/lib/liberyx.a
	@mkdir -p $(B)/python-build
	cd python && $(PY) setup.py -q build_ext --build-lib ../$(B)/python \
	  --build-temp ../$(B)/python-build/temp build_py --build-lib ../$(B)/python \
	  > ../$(B)/python-build/log 2>&1 || { cat ../$(B)/python-build/log; exit 1; }
	touch $@
python: $(PY_PACKAGE)

# ---- CPython's own tests (test-only; see tests/cpython_tests.py) ----
# build/test/eryx: the CLI with a test-only guest and standard library image,
# never shipped. Its guest is the shipped one plus CPython's C test helpers
# (_testcapi, _testinternalcapi: src/guest/test_modules.c), which most of
# Lib/test imports somewhere; its image also holds Lib/test. It has its own
# translation, compiled -O2 without PGO (about 1 minute on 2 cores: speed
# matters less here than build time), its own pre-initialized image, and the
# shipped host code.
TB := $(B)/test
TEST_GEN := $(TB)/gen
TEST_GEN_SRCS := $(GEN_SRCS:$(GEN)/%=$(TEST_GEN)/%)
TEST_GEN_OBJS := $(TEST_GEN_SRCS:.c=.o)
TEST_MODULES := $(TB)/guest/_testcapimodule.o $(TB)/guest/_testinternalcapi.o

# Compiled by CPython's own Makefile, with the flags of its built-in modules.
$(TEST_MODULES): $(TB)/guest/%.o: $(CPY_LIBS)
	@mkdir -p $(@D)
	$(MAKE) -s -C $(CPY) EXTRA_CFLAGS=-Wno-error=int-conversion --eval \
	  '$(CURDIR)/$@: $(CURDIR)/$(CPY_SRC)/Modules/$*.c ; $$(CC) $$(PY_BUILTIN_MODULE_CFLAGS) -c $$< -o $$@' \
	  $(CURDIR)/$@

$(TB)/guest/guest.wasm: $(GUEST_OBJS) $(B)/guest/test_modules.o $(TEST_MODULES) $(CPY_LIBS) \
		$(WASI_LIB_STAMPS)
	$(LINK_GUEST)

# The host code is compiled against $(GEN)/guest.h: the test guest must have
# the same interface (it has the same exports and imports), which cmp checks.
$(TEST_GEN)/guest.c $(TEST_GEN)/guest.h &: $(TB)/guest/guest.wasm $(GEN)/guest.h
	@mkdir -p $(TEST_GEN)
	wasm2c $< -n guest -o $(TEST_GEN)/guest.c
	cmp $(GEN)/guest.h $(TEST_GEN)/guest.h

$(TEST_GEN_SRCS) $(TEST_GEN)/guest_impl.h &: $(TEST_GEN)/guest.c tools/split_wasm2c.py
	$(PY) tools/split_wasm2c.py $(TEST_GEN)/guest.c $(TEST_GEN) $(GUEST_CHUNKS)
	touch $(TEST_GEN_SRCS) $(TEST_GEN)/guest_impl.h

$(TEST_GEN)/%.o: $(TEST_GEN)/%.c $(TEST_GEN)/guest_impl.h
	$(HOST_CC) -O2 -fPIC -fvisibility=hidden -w -I$(TEST_GEN) -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 \
	  -c $< -o $@

$(TB)/stdlib.img: tools/pack_stdlib.py src/guest/eryx_runtime.py $(CPY_SRC)/.stamp $(SYSCONFIGDATA)
	@mkdir -p $(@D)
	$(STDLIB_PACK) --tests

$(TB)/%_blob.o: $(TB)/%.img
	$(call embed_blob,$*)

$(TB)/mkimage: tools/mkimage.c $(HOST_OBJS) $(TB)/stdlib_blob.o $(TEST_GEN_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIB_LDLIBS)

$(TB)/image.img: $(TB)/mkimage
	$< $@

$(TB)/build_id.c: $(TB)/guest/guest.wasm $(TB)/stdlib.img $(TB)/image.img
	printf 'const char build_identity[64] = "%s";\n' $$(cat $^ | sha256sum | cut -c1-64) > $@

$(TB)/build_id.o: $(TB)/build_id.c
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(TB)/eryx: $(CLI_SRCS) $(HOST_OBJS) $(TB)/stdlib_blob.o $(TB)/image_blob.o $(TB)/build_id.o \
		$(B)/cli/profile_assets.o $(TEST_GEN_OBJS)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude -Isrc/host -o $@ \
	  $(filter-out src/host/%.c,$(CLI_SRCS)) $(filter %.o,$^) $(LIB_LDLIBS)

test-cpython: deps
	$(MAKE) all $(B)/test/eryx
	$(PY) tests/cpython_tests.py

# ---- demo, tests, benchmarks ----
demo: deps
	$(MAKE) all
	$(B)/bin/eryx run examples/demo.py

# The MCP client tests run the official MCP TypeScript SDK (npm), installed
# into build/mcp-client with Node.js from Debian.
MCP_CLIENT := $(B)/mcp-client
mcp-client:
	mkdir -p $(MCP_CLIENT) && cp tests/mcp/package.json $(MCP_CLIENT)/
	./scripts/setup-node.sh $(MCP_CLIENT)

test: deps
	$(MAKE) all
	$(MAKE) test-programs python mcp-client
	tests/run.sh

# The embedding example is built with the tests, so that it keeps compiling.
$(B)/examples/%: examples/%.c include/eryx.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

TEST_PROGRAMS := $(B)/examples/host $(B)/tests/test_api $(B)/tests/test_callbacks $(B)/tests/test_sessions \
	$(B)/tests/test_files $(B)/tests/test_tracing $(B)/tests/test_hardening $(B)/tests/test_call_handles \
	$(B)/tests/test_reset $(B)/tests/snapshot_child $(B)/tests/unit_vfs $(B)/tests/unit_json $(B)/asan/test_api \
	$(B)/asan/test_callbacks $(B)/asan/test_files $(B)/asan/test_tracing $(B)/asan/test_hardening \
	$(B)/asan/test_call_handles $(B)/asan/test_reset $(FUZZ_BINS) $(B)/test/eryx
test-programs: $(TEST_PROGRAMS)

$(B)/tests/%: tests/%.c tests/check.h tests/slow_callback.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

$(B)/tests/unit_json: tests/unit_json.c tests/check.h src/host/json.c src/host/json.h
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=address,undefined -Isrc/host -o $@ tests/unit_json.c src/host/json.c -lm

$(B)/tests/unit_vfs: tests/unit_vfs.c src/host/vfs.c src/host/vfs.h
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=address,undefined -Isrc/host -o $@ tests/unit_vfs.c src/host/vfs.c -lz -lpthread

# Host code under sanitizers (the generated guest is not instrumented).
ASAN := $(B)/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
$(ASAN)/%.o: src/host/%.c $(HOST_HDRS) $(GEN)/guest.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

ASAN_HOST_OBJS := $(HOST_SRCS:src/host/%.c=$(ASAN)/%.o)
$(ASAN)/test_%: tests/test_%.c tests/check.h tests/slow_callback.h $(ASAN_HOST_OBJS) $(LIB_DATA_OBJS) $(GEN_OBJS)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(ASAN_FLAGS) -Iinclude -o $@ $(filter-out %.h,$^) $(LIB_LDLIBS)

# handle_segv=0: guest memory faults are ours to handle (guard pages).
SANITIZER_ENV := ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
ASAN_TESTS := test_api test_callbacks test_files test_hardening test_call_handles test_reset
test-sanitize: deps
	$(MAKE) all $(ASAN_TESTS:%=$(ASAN)/%)
	for t in $(ASAN_TESTS); do $(SANITIZER_ENV) $(ASAN)/$$t || exit 1; done

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
	  -Isrc/host -Isrc/guest -I$(GEN) -o $@ $< $(filter $(B)/fuzz/cli/%.o,$^) $(FUZZ_HOST_OBJS) \
	  $(LIB_DATA_OBJS) $(GEN_OBJS) $(LIB_LDLIBS)

# fuzz_session drives the command-line tool's request handling as well.
FUZZ_CLI_OBJS := $(patsubst %,$(B)/fuzz/cli/%.o,session_request io interrupt shell_callback shell_process \
  trace_writer burst_worker profile)
$(B)/fuzz/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) src/host/json.h include/eryx.h
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	  -Iinclude -Isrc/host -c $< -o $@
$(B)/fuzz/fuzz_session: $(FUZZ_CLI_OBJS)

fuzz: deps
	$(MAKE) all $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_KEEP=1 tests/fuzz_smoke.sh

$(B)/bench/%: bench/%.c bench/timed.h $(B)/lib/liberyx.a
	@mkdir -p $(@D)
	$(HOST_CC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -Iinclude -o $@ $< $(B)/lib/liberyx.a $(LIB_LDLIBS)

bench: all $(B)/bench/bench_create $(B)/bench/bench_trace $(B)/bench/bench_template python
	./scripts/setup-node.sh || echo "bench: no Node.js, Pyodide is left out"
	$(MAKE) mcp-client || echo "bench: no MCP SDK, the MCP round trip is left out"
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
	examples/*.c $(wildcard fuzz/*.c fuzz/*.h) python/src/*.c python/src/*.h
format:
	clang-format-19 -i $(FORMATTED)
check-format:
	clang-format-19 --dry-run -Werror $(FORMATTED)

clean:
	rm -rf $(B)/host $(B)/cli $(B)/asan $(B)/fuzz $(B)/lib $(B)/bin $(B)/tests $(B)/test $(B)/bench $(B)/tools \
	  $(B)/guest $(GEN) $(B)/python $(B)/python-build \
	  $(PGO) $(B)/stdlib.img $(B)/image.img
