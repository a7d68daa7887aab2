# libFuzzer targets for every parser of untrusted input (tests/fuzz/fuzz_*.c).
#
#   make fuzz-build                 builds every target into $(BUILD)/fuzz/
#   make fuzz [FUZZ_SECONDS=30]     builds, then fuzzes each target that long
#   make fuzz FUZZ_TARGETS="cdi_yaml oci_config"   a subset
#
# The sources are compiled again with clang (libFuzzer needs its coverage
# instrumentation; gcc objects cannot be reused) into $(BUILD)/fuzz/obj, with
# the project's include paths and defines. Each run works on a copy of the
# checked-in corpus in $(BUILD)/fuzz/corpus/NAME, so what a run discovers
# stays out of the source tree; crashes land in $(BUILD)/fuzz/crashes/.

FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 30
FUZZ_ALL      := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS  ?= $(FUZZ_ALL)
FUZZ_DIR      := $(BUILD)/fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   := -g -O1 -std=gnu11 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -D_GNU_SOURCE -Iinclude -Isrc \
                 -Ifake-driver -I$(GEN) $(FAKE_DEFS) $(shell pkg-config --cflags libtirpc 2>/dev/null)
FUZZ_LIBS     := $$(pkg-config --libs json-c yaml-0.1 libelf)

# What the targets reach: the shared code, and the few parsers outside it.
FUZZ_LIB_SRCS := $(COMMON_SRCS) src/libnvc/ldcache.c src/libnvc/elf.c src/libnvc/log.c src/libnvc/path.c \
                 src/cli/dsl.c src/cli/devices.c src/runtime/args.c src/ctk/flags.c src/ctk/log.c
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB      := $(FUZZ_DIR)/libfuzzed.a
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_ALL))

.PHONY: fuzz fuzz-build $(addprefix fuzz-run-,$(FUZZ_ALL))

fuzz-build: $(FUZZ_BINS)

# Keep the targets' objects: make would delete them as intermediates.
.SECONDARY: $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o,$(FUZZ_ALL))

# Our own targets are held to the warning set; the sources under test are
# gcc's to police (clang's set differs a little).
$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c | $(RPC_GEN_H)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARNINGS) -MMD -MP -c -o $@ $<
$(FUZZ_DIR)/obj/src/%.o: src/%.c | $(RPC_GEN_H)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -w -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

# One run: fails when the target crashes, leaks or times out.
$(addprefix fuzz-run-,$(FUZZ_ALL)): fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/crashes
	@cp -n tests/fuzz/corpus/$*/* $(FUZZ_DIR)/corpus/$*/ 2>/dev/null || true
	@echo "  FUZZ    $* ($(FUZZ_SECONDS) s)"
	$(Q)$(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crashes/$*- $(FUZZ_DIR)/corpus/$* >$(FUZZ_DIR)/$*.log 2>&1 || \
		{ tail -n 60 $(FUZZ_DIR)/$*.log; echo "fuzz: $* failed, input in $(FUZZ_DIR)/crashes/"; exit 1; }

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
