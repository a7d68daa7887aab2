# Benchmarks of a GPU container start (bench/, docs/performance.md).
#
#   make bench                       every table, BENCH_RUNS (20; docker 5) timed runs after
#                                    BENCH_WARMUP (3); results appended to
#                                    $(BENCH_RESULTS)/YYYY-MM-DD-<BENCH_NAME>.md
#   make bench BENCH_QUICK=1         few repetitions, 8 concurrent starts only (a smoke test)
#   make bench BENCH_PARTS="start rss"   a subset (start phases scale concurrent rss wake)
#   BENCH_DOCKER=0 make bench        without the docker rows (no dockerd started)
#   BENCH_TMPFS=0 make bench         scratch space on $TMPDIR's disk instead of a private tmpfs
#   BENCH_RUNS, BENCH_START_RUNS (60), BENCH_WARMUP, BENCH_DOCKER_RUNS, BENCH_CONC_RUNS, BENCH_CONC_N ("8 32"),
#   BENCH_WAKE_RUNS, BENCH_OPEN_DELAY (200): see bench/lib/report.sh; BENCH_COMMIT names the
#   build in the header when it is not this tree's (docs/performance.md: another commit)
#
# Needs root and what `make check` installs; runs against private fake driver
# roots, runc state and dockerd (tests/integration/lib.sh) and leaves nothing behind.

BENCH_RUN     := $(BUILD)/bench/bench-run
BENCH_NOOP    := $(BUILD)/bench/noop
BENCH_RESULTS ?= bench/results
BENCH_NAME    ?= bench
BENCH_QUICK   ?= 0
BENCH_PARTS   ?= start phases scale concurrent rss wake

.PHONY: bench bench-tools

all: $(BENCH_RUN) $(BENCH_NOOP)
bench-tools: $(BENCH_RUN) $(BENCH_NOOP)

# The tools measure, they are not under test: never instrumented (SANITIZE=1 builds too).
$(BENCH_RUN): bench/tools/bench-run.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(filter-out -fPIC,$(DRIVER_CFLAGS)) $(DRIVER_LDFLAGS) -o $@ $<

# A static stand-in for ldconfig: the CLI refuses a dynamically linked one.
$(BENCH_NOOP): bench/tools/noop.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(filter-out -fPIC,$(DRIVER_CFLAGS)) -static -o $@ $<

bench: all
	@BUILD=$(abspath $(BUILD)) SRCDIR=$(CURDIR) BENCH_RUN=$(abspath $(BENCH_RUN)) BENCH_NOOP=$(abspath $(BENCH_NOOP)) \
		BENCH_RESULTS=$(abspath $(BENCH_RESULTS)) BENCH_NAME=$(BENCH_NAME) BENCH_QUICK=$(BENCH_QUICK) \
		BENCH_PARTS="$(BENCH_PARTS)" $(if $(BENCH_RUNS),BENCH_RUNS=$(BENCH_RUNS)) \
		$(if $(BENCH_START_RUNS),BENCH_START_RUNS=$(BENCH_START_RUNS)) \
		$(if $(BENCH_WARMUP),BENCH_WARMUP=$(BENCH_WARMUP)) bash bench/bench.sh
