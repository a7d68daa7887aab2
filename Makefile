# GPU container stack: build, install, test.
#
# Everything builds into $(BUILD); nothing is written to the source tree.
# Warnings are errors everywhere (CI and developers alike).

PREFIX     ?= /usr
DESTDIR    ?=
# A sanitizer build gets a tree of its own: make tracks no flags, so one
# tree must never hold objects of both kinds.
BUILD      ?= build$(if $(filter 1,$(SANITIZE)),/asan)
SYSCONFDIR ?= /etc

MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)
ifneq ($(MULTIARCH),)
LIBDIR     ?= $(PREFIX)/lib/$(MULTIARCH)
else
LIBDIR     ?= $(PREFIX)/lib64
endif
BINDIR     ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
PAYLOADDIR ?= $(PREFIX)/lib/fake-nvidia
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
PRESETDIR  ?= $(PREFIX)/lib/systemd/system-preset
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d

CC         ?= gcc
V          ?= 0
Q          := $(if $(filter 1,$(V)),,@)
PKGS       := libelf libcap libseccomp libtirpc json-c yaml-0.1
WARNINGS   := -Wall -Wextra -Wconversion -Wsign-conversion -Wshadow \
              -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -fPIC $(WARNINGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
              -D_GNU_SOURCE -Iinclude -Isrc -Ifake-driver -I$(BUILD)/gen \
              $(shell pkg-config --cflags libtirpc 2>/dev/null)
# --as-needed: a program records only the shared libraries it calls into;
# each one more is loaded at every start (issue 10: the hooks start often).
LDFLAGS    += -Wl,-z,relro -Wl,-z,now -Wl,--as-needed

ifeq ($(SANITIZE),1)
# UBSan's null checks make gcc 12 see NULL arguments to %s that cannot
# be there (-Wformat-overflow false positives); the plain build keeps it.
CFLAGS     += -fsanitize=address,undefined -fno-omit-frame-pointer -Wno-format-overflow
LDFLAGS    += -fsanitize=address,undefined
endif

# The fake driver is no part of the stack under test, and its libraries and
# programs run inside containers, where no sanitizer runtime is: never
# instrumented.
DRIVER_CFLAGS  := $(filter-out -fsanitize%,$(CFLAGS))
DRIVER_LDFLAGS := $(filter-out -fsanitize%,$(LDFLAGS))

# The fake driver's libraries are built once with a placeholder SONAME; the
# setup tool stamps the real SONAME (and the GPU inventory) into each copy.
SONAME_PLACEHOLDER := @fake-nvidia-soname-placeholder@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
FAKE_DEFS  := -DFAKE_SONAME_PLACEHOLDER='"$(SONAME_PLACEHOLDER)"'
LIB_LDFLAGS := -shared -Wl,-z,defs -Wl,-soname,$(SONAME_PLACEHOLDER)

PAYLOAD    := $(BUILD)/lib/fake-nvidia

# --- sources ---------------------------------------------------------------
COMMON_SRCS := $(wildcard src/common/*.c)
SETUP_SRCS  := $(filter-out fake-driver/setup/main.c,$(wildcard fake-driver/setup/*.c))
NVML_SRCS   := $(wildcard fake-driver/nvml/*.c) fake-driver/inventory.c
CUDA_SRCS   := $(wildcard fake-driver/cuda/*.c) fake-driver/inventory.c
SMI_SRCS    := $(wildcard fake-driver/smi/*.c)
UNIT_SRCS   := $(wildcard tests/unit/*.c)
LIBNVC_SRCS := $(wildcard src/libnvc/*.c)
CLI_SRCS    := $(wildcard src/cli/*.c)
# CLI sources free of libnvc calls, linked into the unit runner as well.
CLI_PURE_SRCS := src/cli/dsl.c src/cli/devices.c src/cli/args.c src/cli/nvcaps.c
HOOK_SRCS   := $(wildcard src/hook/*.c)
# Hook sources that change no process state, linked into the unit runner too.
HOOK_PURE_SRCS := $(filter-out src/hook/main.c src/hook/prestart.c,$(HOOK_SRCS))
RUNTIME_SRCS := $(wildcard src/runtime/*.c)
# Runtime sources that change no process state, linked into the unit runner too.
RUNTIME_PURE_SRCS := $(filter src/runtime/args.c src/runtime/mode.c src/runtime/log.c src/runtime/spec_edit.c,$(RUNTIME_SRCS))
# The CLI's device selection, shared by the runtime so both select alike.
RUNTIME_CLI_SRCS := src/cli/devices.c src/cli/nvcaps.c src/cli/args.c src/ctk/discover.c
CTK_SRCS    := $(wildcard src/ctk/*.c)
# nvidia-ctk and nvidia-cdi-hook share every file but their mains; those
# files are linked into the unit runner as well.
CTK_LIB_SRCS := $(filter-out src/ctk/main.c src/ctk/cdi_hook_main.c,$(CTK_SRCS))

# NVML RPC between the library and its sandboxed driver process (rpcgen).
GEN         := $(BUILD)/gen
RPC_X       := src/libnvc/nvml_rpc.x
RPC_GEN_C   := $(if $(wildcard $(RPC_X)),$(GEN)/nvml_rpc_xdr.c $(GEN)/nvml_rpc_clnt.c $(GEN)/nvml_rpc_svc.c)
RPC_GEN_H   := $(if $(wildcard $(RPC_X)),$(GEN)/nvml_rpc.h)

obj = $(patsubst %.c,$(BUILD)/obj/$(1)/%.o,$(2))

COMMON_OBJS := $(call obj,64,$(COMMON_SRCS))
SETUP_OBJS  := $(call obj,64,$(SETUP_SRCS))
LIBNVC_OBJS := $(call obj,64,$(LIBNVC_SRCS)) $(patsubst $(GEN)/%.c,$(BUILD)/obj/gen/%.o,$(RPC_GEN_C))
# libtirpc is not linked: src/libnvc/tirpc.c loads it with the driver process.
LIBNVC_LIBS := $$(pkg-config --libs libelf libcap libseccomp) -ldl -lpthread
ifeq ($(SANITIZE),1)
# Except under the sanitizers: their xdr_* interceptors look the real functions
# up once, at start-up, and would call NULL in a libtirpc loaded later.
LIBNVC_LIBS += -Wl,--no-as-needed -ltirpc -Wl,--as-needed
endif
LIBNVC      := $(BUILD)/lib/libnvidia-container.so.1

PAYLOAD_LIBS := $(foreach a,64 32,$(addprefix $(PAYLOAD)/lib$(a)/,libnvidia-ml.so libcuda.so libstub.so libstub-tls.so))
PAYLOAD_BINS := $(PAYLOAD)/bin/nvidia-smi $(PAYLOAD)/bin/nvidia-tool
PROGRAMS     := $(BUILD)/bin/fake-nvidia-setup $(if $(wildcard src/cli/main.c),$(BUILD)/bin/nvidia-container-cli)
PROGRAMS     += $(if $(HOOK_SRCS),$(BUILD)/bin/nvidia-container-runtime-hook)
PROGRAMS     += $(if $(RUNTIME_SRCS),$(BUILD)/bin/nvidia-container-runtime)
PROGRAMS     += $(if $(CTK_SRCS),$(BUILD)/bin/nvidia-ctk $(BUILD)/bin/nvidia-cdi-hook)
LIBRARIES    := $(if $(LIBNVC_SRCS),$(LIBNVC))
TEST_TOOLS   := $(BUILD)/tests/deviceQuery $(BUILD)/tests/unit-tests $(if $(LIBNVC_SRCS),$(BUILD)/tests/nvc-devinfo)
TEST_TOOLS   += $(BUILD)/tests/ldconfig-run $(BUILD)/tests/ldconfig-spy

.PHONY: all deps install uninstall check check-unit check-integration demo deb rpm clean format fuzz bench
all: $(LIBRARIES) $(PROGRAMS) $(PAYLOAD_LIBS) $(PAYLOAD_BINS) $(TEST_TOOLS)

# --- compile rules ---------------------------------------------------------
$(BUILD)/obj/64/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(FAKE_DEFS) -MMD -MP -c -o $@ $<

# 32-bit objects: compat32 copies of the fake libraries (no sanitizers there).
$(BUILD)/obj/32/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC32    $<"
	$(Q)$(CC) $(filter-out -fsanitize%,$(CFLAGS)) -m32 $(FAKE_DEFS) -MMD -MP -c -o $@ $<

DRIVER_SRCS := $(sort $(NVML_SRCS) $(CUDA_SRCS) $(SMI_SRCS) $(wildcard fake-driver/stub/*.c) tests/tools/deviceQuery.c)
$(call obj,64,$(DRIVER_SRCS)): CFLAGS := $(DRIVER_CFLAGS)

# Every object may include the generated RPC header.
$(call obj,64,$(LIBNVC_SRCS) $(UNIT_SRCS)): | $(RPC_GEN_H)

# rpcgen names the header in the generated sources after its input path, so
# it runs on a copy inside $(GEN): the sources then include "nvml_rpc.h".
$(GEN)/nvml_rpc.x: $(RPC_X)
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(GEN)/nvml_rpc.h: $(GEN)/nvml_rpc.x
	@echo "  RPCGEN  $@"
	$(Q)cd $(GEN) && rm -f nvml_rpc.h && rpcgen -h -M -o nvml_rpc.h nvml_rpc.x
$(GEN)/nvml_rpc_xdr.c: $(GEN)/nvml_rpc.x $(GEN)/nvml_rpc.h
	$(Q)cd $(GEN) && rm -f nvml_rpc_xdr.c && rpcgen -c -M -o nvml_rpc_xdr.c nvml_rpc.x
$(GEN)/nvml_rpc_clnt.c: $(GEN)/nvml_rpc.x $(GEN)/nvml_rpc.h
	$(Q)cd $(GEN) && rm -f nvml_rpc_clnt.c && rpcgen -l -M -o nvml_rpc_clnt.c nvml_rpc.x
$(GEN)/nvml_rpc_svc.c: $(GEN)/nvml_rpc.x $(GEN)/nvml_rpc.h
	$(Q)cd $(GEN) && rm -f nvml_rpc_svc.c && rpcgen -m -M -o nvml_rpc_svc.c nvml_rpc.x

# Generated code is not held to our warning set.
$(BUILD)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(filter-out -W% -Werror,$(CFLAGS)) -w -c -o $@ $<

# The library exports only the nvc_* API (version script); hidden by default.
$(LIBNVC): $(LIBNVC_OBJS) $(BUILD)/lib/libcommon.a src/libnvc/libnvidia-container.map
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-z,defs -Wl,-soname,libnvidia-container.so.1 \
		-Wl,--version-script=src/libnvc/libnvidia-container.map -o $@ \
		$(LIBNVC_OBJS) $(BUILD)/lib/libcommon.a $(LIBNVC_LIBS)
	$(Q)ln -sf libnvidia-container.so.1 $(BUILD)/lib/libnvidia-container.so

# --version: when, from which commit, with what the CLI was built.
CLI_BUILD_FLAGS := $(CFLAGS) $(LDFLAGS)
$(call obj,64,src/cli/main.c): CFLAGS += -DBUILD_DATE='"$(shell date -u +%FT%H:%M+00:00)"' \
	-DBUILD_REVISION='"$(shell git rev-parse HEAD 2>/dev/null || echo unknown)"' \
	-DBUILD_COMPILER='"$(notdir $(realpath $(shell command -v $(CC)))) $(shell $(CC) -dumpfullversion)"' \
	-DBUILD_PLATFORM='"$(shell uname -m)"' -DBUILD_FLAGS='"$(strip $(CLI_BUILD_FLAGS))"'

# The users of the shared library find it beside them in the build tree
# ($ORIGIN/../lib); `make install` links them again for LIBDIR (no search
# path at all in /usr, where the library is on ld.so's own path).
BUILD_RPATH   := -Wl,-rpath,'$$ORIGIN/../lib'
INSTALL_RPATH := $(if $(filter /usr,$(PREFIX)),,-Wl,-rpath,$(LIBDIR))
LINK_CLI = $(CC) $(LDFLAGS) -o $(1) $(call obj,64,$(CLI_SRCS)) -L$(BUILD)/lib -l:libnvidia-container.so.1 \
	$(BUILD)/lib/libcommon.a $$(pkg-config --libs libcap) $(2)
LINK_RUNTIME = $(CC) $(LDFLAGS) -o $(1) $(call obj,64,$(RUNTIME_SRCS) $(RUNTIME_CLI_SRCS)) -L$(BUILD)/lib \
	-l:libnvidia-container.so.1 $(BUILD)/lib/libcommon.a $(COMMON_LIBS) $(2)

$(BUILD)/bin/nvidia-container-cli: $(call obj,64,$(CLI_SRCS)) $(LIBNVC) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(call LINK_CLI,$@,$(BUILD_RPATH))

# What the users of libcommon.a link besides it (the OCI/CDI JSON and YAML code).
COMMON_LIBS := $$(pkg-config --libs json-c yaml-0.1)

# The hook, and upstream's other name for it (a link beside it).
$(call obj,64,src/hook/main.c): CFLAGS += -DBUILD_REVISION='"$(shell git rev-parse HEAD 2>/dev/null)"'
$(BUILD)/bin/nvidia-container-runtime-hook: $(call obj,64,$(HOOK_SRCS)) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(COMMON_LIBS)
	$(Q)ln -sf nvidia-container-runtime-hook $(@D)/nvidia-container-toolkit

# The runtime shim: libnvidia-container for the device query (legacy mode's
# device nodes), the CLI's selection code, and the shared toolkit code.
$(call obj,64,src/runtime/main.c): CFLAGS += -DBUILD_REVISION='"$(shell git rev-parse HEAD 2>/dev/null)"'
$(BUILD)/bin/nvidia-container-runtime: $(call obj,64,$(RUNTIME_SRCS) $(RUNTIME_CLI_SRCS)) $(LIBNVC) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(call LINK_RUNTIME,$@,$(BUILD_RPATH))

# nvidia-ctk and nvidia-cdi-hook carry libnvidia-container's objects: the
# driver query of `cdi generate` and the sandboxed ldconfig and in-root file
# operations of the hooks (internal functions the shared library hides).
# Taken from archives, so each program holds only the objects it calls and,
# with --as-needed, loads only their libraries: the hook, started by runc
# several times per container, needs neither libtirpc (and its Kerberos
# libraries) nor libelf, libcap or libyaml.
CTK_ARCHIVES := $(BUILD)/lib/libctk.a $(BUILD)/lib/libnvc-objs.a $(BUILD)/lib/libcommon.a
LINK_CTK = $(CC) $(LDFLAGS) -o $(1) $(2) -Wl,--start-group $(CTK_ARCHIVES) -Wl,--end-group $(LIBNVC_LIBS) $(COMMON_LIBS)
$(BUILD)/lib/libctk.a: $(call obj,64,$(CTK_LIB_SRCS) src/cli/nvcaps.c)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/lib/libnvc-objs.a: $(LIBNVC_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(call obj,64,src/ctk/main.c src/ctk/cdi_hook_main.c): CFLAGS += -DBUILD_REVISION='"$(shell git rev-parse HEAD 2>/dev/null)"'
$(BUILD)/bin/nvidia-ctk: $(call obj,64,src/ctk/main.c) $(CTK_ARCHIVES)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(call LINK_CTK,$@,$<)
$(BUILD)/bin/nvidia-cdi-hook: $(call obj,64,src/ctk/cdi_hook_main.c) $(CTK_ARCHIVES)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(call LINK_CTK,$@,$<)

$(BUILD)/lib/libcommon.a: $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/bin/fake-nvidia-setup: $(call obj,64,fake-driver/setup/main.c) $(SETUP_OBJS) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs libelf)

define payload_libs
$(PAYLOAD)/lib$(1)/libnvidia-ml.so: $(call obj,$(1),$(NVML_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $(if $(filter 32,$(1)),-m32,$$(DRIVER_LDFLAGS)) $$(LIB_LDFLAGS) -o $$@ $$^ -lpthread
$(PAYLOAD)/lib$(1)/libcuda.so: $(call obj,$(1),$(CUDA_SRCS))
	@mkdir -p $$(@D)
	$$(CC) $(if $(filter 32,$(1)),-m32,$$(DRIVER_LDFLAGS)) $$(LIB_LDFLAGS) -o $$@ $$^ -lpthread
$(PAYLOAD)/lib$(1)/libstub.so: $(call obj,$(1),fake-driver/stub/stub.c)
	@mkdir -p $$(@D)
	$$(CC) $(if $(filter 32,$(1)),-m32,$$(DRIVER_LDFLAGS)) $$(LIB_LDFLAGS) -o $$@ $$^
$(PAYLOAD)/lib$(1)/libstub-tls.so: $(call obj,$(1),fake-driver/stub/stub_tls.c)
	@mkdir -p $$(@D)
	$$(CC) $(if $(filter 32,$(1)),-m32,$$(DRIVER_LDFLAGS)) $$(LIB_LDFLAGS) -o $$@ $$^
endef
$(eval $(call payload_libs,64))
$(eval $(call payload_libs,32))

$(PAYLOAD)/bin/nvidia-smi: $(call obj,64,$(SMI_SRCS))
	@mkdir -p $(@D)
	$(CC) $(DRIVER_LDFLAGS) -o $@ $^ -ldl

$(PAYLOAD)/bin/nvidia-tool: $(call obj,64,fake-driver/stub/tool.c)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_LDFLAGS) -o $@ $^

$(BUILD)/tests/deviceQuery: $(call obj,64,tests/tools/deviceQuery.c)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_LDFLAGS) -o $@ $^ -ldl

# The library's device query through its public API alone (driver process tests).
$(BUILD)/tests/nvc-devinfo: $(call obj,64,tests/tools/nvc_devinfo.c) $(LIBNVC)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(call obj,64,tests/tools/nvc_devinfo.c) -L$(BUILD)/lib -l:libnvidia-container.so.1 \
		-Wl,-rpath,'$$ORIGIN/../lib'

# The sandboxed ldconfig alone (t_ldconfig.sh), so it is testable while the
# rest of the library is not; the spy stands in for ldconfig there and is
# static because it runs inside container roots (no sanitizers: -static).
LDCONFIG_RUN_OBJS := $(call obj,64,tests/tools/ldconfig-run.c $(wildcard src/libnvc/ldconfig*.c) src/libnvc/log.c)
$(BUILD)/tests/ldconfig-run: $(LDCONFIG_RUN_OBJS) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs libseccomp) -lpthread
$(BUILD)/tests/ldconfig-spy: tests/tools/ldconfig-spy.c
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(filter-out -fsanitize%,$(CFLAGS)) -static -o $@ $<

# Unit tests link the library's objects directly, every symbol visible.
$(BUILD)/tests/unit-tests: $(call obj,64,$(UNIT_SRCS) $(CLI_PURE_SRCS) $(HOOK_PURE_SRCS) $(RUNTIME_PURE_SRCS) $(CTK_LIB_SRCS)) $(SETUP_OBJS) $(LIBNVC_OBJS) $(BUILD)/lib/libcommon.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $$(pkg-config --libs check) $(LIBNVC_LIBS) $(COMMON_LIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- set-up, tests, demo ---------------------------------------------------
deps:
	@packaging/deps.sh

check: deps
	@$(MAKE) --no-print-directory all
	@tests/run-tests.sh $(BUILD)

check-unit: all
	@tests/run-tests.sh $(BUILD) unit

check-integration: all
	@tests/run-tests.sh $(BUILD) integration

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh $(BUILD)

# Packages with NVIDIA's names and split, into $(BUILD)/packages.
deb: deps
	@$(MAKE) --no-print-directory all
	@packaging/deb/build.sh $(BUILD) $(BUILD)/packages
rpm: deps
	@$(MAKE) --no-print-directory all
	@packaging/rpm/build.sh $(BUILD) $(BUILD)/packages

# --- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PAYLOADDIR)/lib64 $(DESTDIR)$(PAYLOADDIR)/lib32 $(DESTDIR)$(PAYLOADDIR)/bin
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	$(if $(wildcard src/cli/main.c),$(call LINK_CLI,$(DESTDIR)$(BINDIR)/nvidia-container-cli,$(INSTALL_RPATH)))
	$(if $(RUNTIME_SRCS),$(call LINK_RUNTIME,$(DESTDIR)$(BINDIR)/nvidia-container-runtime,$(INSTALL_RPATH)))
	$(if $(HOOK_SRCS),ln -sf nvidia-container-runtime-hook $(DESTDIR)$(BINDIR)/nvidia-container-toolkit)
	$(if $(LIBRARIES),install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR))
	$(if $(LIBRARIES),install -m 0755 $(LIBNVC) $(DESTDIR)$(LIBDIR)/)
	$(if $(LIBRARIES),ln -sf libnvidia-container.so.1 $(DESTDIR)$(LIBDIR)/libnvidia-container.so)
	$(if $(LIBRARIES),install -m 0644 include/nvc.h $(DESTDIR)$(INCLUDEDIR)/)
	install -m 0755 $(filter $(PAYLOAD)/lib64/%,$(PAYLOAD_LIBS)) $(DESTDIR)$(PAYLOADDIR)/lib64/
	install -m 0755 $(filter $(PAYLOAD)/lib32/%,$(PAYLOAD_LIBS)) $(DESTDIR)$(PAYLOADDIR)/lib32/
	install -m 0755 $(PAYLOAD_BINS) $(DESTDIR)$(PAYLOADDIR)/bin/
	$(MAKE) --no-print-directory install-data

# Man pages, the CDI refresh units, their env file (kept when present: it
# is the user's) and udev rule; the unit paths follow BINDIR and SYSCONFDIR.
MAN_PAGES := $(wildcard docs/man/*.[0-9])
REFRESH_SUBST := sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
.PHONY: install-data
install-data:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service.d \
		$(DESTDIR)$(PRESETDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSCONFDIR)/nvidia-container-toolkit
	$(if $(filter %.1,$(MAN_PAGES)),install -m 0644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(filter %.5,$(MAN_PAGES)),install -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/)
	$(REFRESH_SUBST) packaging/systemd/nvidia-cdi-refresh.service.in >$(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service
	install -m 0644 packaging/systemd/nvidia-cdi-refresh.path $(DESTDIR)$(UNITDIR)/
	install -m 0644 packaging/systemd/10-container-engines.conf $(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service.d/
	install -m 0644 packaging/systemd/90-nvidia-container-toolkit.preset $(DESTDIR)$(PRESETDIR)/
	install -m 0644 packaging/udev/99-nvidia-cdi-refresh.rules $(DESTDIR)$(UDEVRULESDIR)/
	[ -e $(DESTDIR)$(SYSCONFDIR)/nvidia-container-toolkit/nvidia-cdi-refresh.env ] || \
		install -m 0644 packaging/systemd/nvidia-cdi-refresh.env $(DESTDIR)$(SYSCONFDIR)/nvidia-container-toolkit/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS))) $(DESTDIR)$(BINDIR)/nvidia-container-toolkit
	rm -f $(DESTDIR)$(LIBDIR)/libnvidia-container.so.1 $(DESTDIR)$(LIBDIR)/libnvidia-container.so
	rm -f $(DESTDIR)$(INCLUDEDIR)/nvc.h
	rm -rf $(DESTDIR)$(PAYLOADDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN_PAGES))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MAN_PAGES))))
	rm -rf $(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service $(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.path \
		$(DESTDIR)$(UNITDIR)/nvidia-cdi-refresh.service.d $(DESTDIR)$(PRESETDIR)/90-nvidia-container-toolkit.preset \
		$(DESTDIR)$(UDEVRULESDIR)/99-nvidia-cdi-refresh.rules

-include tests/fuzz/fuzz.mk
-include bench/bench.mk

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(find src fake-driver tests -name '*.[ch]')
