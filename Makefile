# leakguard - plain make over pkg-config (see docs/ARCHITECTURE.md)
CC      ?= cc
PKGS    := jansson yajl libhs yaml-0.1 libsodium
CFLAGS  ?= -O2 -g
# `override`: the sanitizer build passes CFLAGS on the command line, and the
# language level, warnings and library flags must survive that.
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-pedantic -Isrc
override CFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
# link-time optimisation of the program (1-2 % of a redaction run): the
# objects carry code as well as GIMPLE (fat), so the unit tests and the
# engine's static library link them as ordinary objects; LTO= turns it
# off (the sanitizer build, as clang 14 makes no fat LTO objects)
LTO     ?= -flto=auto -ffat-lto-objects

B       ?= build
SRCS    := src/main.c $(wildcard src/core/*.c src/netrules/*.c src/redact/*.c src/cmd/*.c)
OBJS    := $(SRCS:%.c=$(B)/%.o) $(B)/gen/catalog.o $(B)/gen/rd_data.o \
           $(B)/gen/rd_hsdb.o
LIBOBJS := $(filter-out $(B)/src/main.o,$(OBJS))
UNIT    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZ    := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))

.PHONY: all test unit cli asan demo deps fuzz bench clean
all: $(B)/leakguard $(B)/libleakguard-redact.a

# the redaction engine alone, for an ingest agent that embeds it:
# #include "redact/rd.h", link with this and -lhs -lyaml -lsodium
RDLIB   := $(filter $(B)/src/redact/%.o,$(OBJS)) $(B)/src/core/err.o \
           $(B)/src/core/arena.o $(B)/gen/rd_data.o $(B)/gen/rd_hsdb.o
$(B)/libleakguard-redact.a: $(RDLIB)
	$(AR) rcs $@ $^

$(B)/leakguard: $(B)/src/main.o $(LIBOBJS)
	$(CC) $(CFLAGS) $(LTO) -o $@ $^ $(LDLIBS)

# data/ files compiled in as C strings (no tool beyond sed)
$(B)/gen/catalog.c: data/services.catalog
	@mkdir -p $(dir $@)
	{ echo 'const char lg_builtin_catalog[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

# the redaction gazetteers, one C string per data/redact/NAME.txt
RDDATA  := first_names surnames cities regions tlds
$(B)/gen/rd_data.c: $(RDDATA:%=data/redact/%.txt)
	@mkdir -p $(dir $@)
	{ for n in $(RDDATA); do echo "const char rd_data_$$n[] ="; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
	      data/redact/$$n.txt; echo ';'; done; } > $@

# the built-in anchors compiled into a Vectorscan database at build time
# (serialized; the program deserializes it instead of compiling at start-up)
$(B)/gen/rd_hsdb_gen: scripts/rd_hsdb_gen.c src/redact/anchors.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ scripts/rd_hsdb_gen.c src/redact/anchors.c $(LDLIBS)

$(B)/gen/rd_hsdb.c: $(B)/gen/rd_hsdb_gen
	$< > $@.tmp && mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CFLAGS) $(LTO) -c -o $@ $<

$(B)/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LTO) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h fuzz/*.h) $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(LIBOBJS) $(LDLIBS)

# `make test` = dependencies, normal build, unit + CLI tests, then the whole
# suite again under AddressSanitizer + UBSan, then short fuzz runs.
test: deps
	$(MAKE) all units
	$(MAKE) B=build/asan CC=clang LTO= \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    all units
	tests/run.sh

units: $(UNIT)

demo: deps all
	examples/demo.sh

deps:
	@scripts/deps.sh

fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench: deps all
	bench/audit.sh
	LG=$(B)/leakguard bench/redact.sh

clean:
	rm -rf build
