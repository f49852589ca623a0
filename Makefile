# SPDX-License-Identifier: GPL-3.0-or-later
# The Hopfield experiments suite. `make reproduce` regenerates every result, figure
# and the paper; `make check` builds and runs every test (plain, then under
# AddressSanitizer + UndefinedBehaviorSanitizer). See README.md.
#
# Adding experiments/NAME.c and experiments/NAME.FIGURE.gp needs no edit here:
# bin/NAME -> results/NAME/manifest.txt (+ CSVs) -> results/NAME/FIGURE.png.
# Shared gnuplot code lives in experiments/*.gpi (loaded by figure scripts).

CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror
LIB_DIRS := lib/base lib/run lib/memory lib/learn
CPPFLAGS += $(LIB_DIRS:%=-I%) -MMD -MP
LDLIBS   := -lgsl -lopenblas -lz -lm
OMP      := -fopenmp
# Thread count of `make reproduce` runs (results are identical for any value).
THREADS  ?= $(shell nproc 2>/dev/null || echo 1)

# MPI: `make MPI=1` (or `make mpi`) builds every program with Open MPI's mpicc into
# bin/mpi (-DHOP_MPI: lib/run/hop_par.h); the plain build in bin/ has no MPI in it.
# `make all` makes the MPI build too when mpicc is installed.
MPICC    ?= mpicc
HAVE_MPI := $(shell command -v $(MPICC) 2>/dev/null)
ifeq ($(SANITIZE),1)
BUILD    := bin/san
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(MPI),1)
BUILD    := bin/mpi
CC       := $(MPICC)
CPPFLAGS += -DHOP_MPI
OMP      += -pthread
else
BUILD    := bin
endif
OBJ      := $(BUILD)/obj

LIB_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(wildcard $(LIB_DIRS:%=%/*.c)))
LIB      := $(BUILD)/libhopfield.a
EXPS     := $(basename $(notdir $(wildcard experiments/*.c)))
EXP_BIN  := $(EXPS:%=$(BUILD)/%)
TEST_OBJ := $(patsubst %.c,$(OBJ)/%.o,$(wildcard tests/test_*.c))
TEST_BIN := $(BUILD)/test_lib
RESULTS  := $(EXPS:%=results/%/manifest.txt)
# The ledger (results/claims.csv, the paper's claims table) holds the claims of sources;
# the template's own check stays in results/example/claims.csv.
LEDGER   := $(filter-out example,$(EXPS))
FIGS     := $(foreach g,$(wildcard experiments/*.*.gp),results/$(subst .,/,$(basename $(notdir $(g)))).png)

# Debian packages: build and tests / figures and data (README.md says why each).
BUILD_PKGS := gcc make libgsl-dev libopenblas-dev zlib1g-dev libcriterion-dev clang libclang-rt-14-dev clang-format
RUN_PKGS   := gnuplot-nox dataset-fashion-mnist curl ca-certificates ffmpeg
MPI_PKGS   := libopenmpi-dev openmpi-bin

.PHONY: all check test layout format reproduce paper data deps deps-build deps-mpi clean distclean figures results bench fuzz mpi programs
.DELETE_ON_ERROR:

all: $(LIB) $(EXP_BIN) $(TEST_BIN)
ifneq ($(HAVE_MPI),)
ifneq ($(MPI),1)
all: mpi
endif
endif

programs: $(EXP_BIN)

mpi:
	@command -v $(MPICC) > /dev/null || { echo "mpi: $(MPICC) missing: apt-get install $(MPI_PKGS)"; exit 1; }
	$(MAKE) --no-print-directory MPI=1 programs

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(OMP) $(SAN) $(CPPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(EXP_BIN): $(BUILD)/%: $(OBJ)/experiments/%.o $(LIB)
	$(CC) $(CFLAGS) $(OMP) $(SAN) $^ $(LDLIBS) -o $@

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(OMP) $(SAN) $^ -lcriterion $(LDLIBS) -o $@

$(BUILD)/bench: $(OBJ)/tests/bench.o $(LIB)
	$(CC) $(CFLAGS) $(OMP) $(SAN) $^ $(LDLIBS) -ldl -o $@

$(BUILD)/bench_dispatch: $(OBJ)/tests/bench_dispatch.o $(LIB)
	$(CC) $(CFLAGS) $(OMP) $(SAN) $^ $(LDLIBS) -o $@

# Speed as ratios in one run: OpenBLAS vs GSL's reference CBLAS, batched vs per-state;
# with MPI, the round trip of an empty job against each experiment's median job
# (tests/bench_dispatch.c; as root, Open MPI is told that root is meant).
bench: $(BUILD)/bench
	$(BUILD)/bench
	@if command -v mpirun > /dev/null && command -v $(MPICC) > /dev/null; then \
	  $(MAKE) --no-print-directory MPI=1 bin/mpi/bench_dispatch > /dev/null && \
	  if [ "$$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi && \
	  HOP_JOBS_MANAGER_ONLY=1 mpirun -n 2 bin/mpi/bench_dispatch results/*/manifest.txt; \
	else echo "bench: no mpirun or $(MPICC): the dispatch row is skipped"; fi

# ---- tests ---------------------------------------------------------------------
test: $(TEST_BIN) $(EXP_BIN) layout
	$(TEST_BIN) --jobs=2
	sh tests/smoke.sh $(BUILD) $(EXPS)
	sh tests/robust.sh $(BUILD)
	sh tests/extend.sh $(BUILD)
ifeq ($(SANITIZE)$(MPI),)
	$(MAKE) --no-print-directory mpi
	sh tests/mpi.sh $(BUILD) bin/mpi $(EXPS)
endif

# lib/README.md's rules (header names unique across lib/*/; nothing outside lib/run/
# prints, exits or writes files; the used-by column), the paper's figure numbering, and
# the layout of every C source (.clang-format; `make format` applies it); each check
# also proves it can fire.
C_SRCS := $(wildcard lib/*/*.[ch] experiments/*.c tests/*.[ch] tests/fuzz/*.[ch])
layout:
	sh tests/layout.sh
	sh tests/paper.sh
	sh tests/format.sh $(C_SRCS)

format:
	clang-format -i $(C_SRCS)

# The smoke runs need the datasets of their experiments: check fetches or verifies them.
ifeq ($(SANITIZE),1)
check: deps
	$(MAKE) --no-print-directory data
	$(MAKE) --no-print-directory SANITIZE=1 test
else
check: deps
	$(MAKE) --no-print-directory data
	$(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory SANITIZE=1 test
endif

# ---- dependencies and data -----------------------------------------------------
# Installs what is missing with apt-get as root; otherwise names the exact command.
define install_missing
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ "$(2)" = npm ] && ! command -v npm >/dev/null 2>&1; then missing="$$missing npm"; fi; \
	if [ -z "$$missing" ]; then echo "deps: present: $(1) $(2)"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing:$$missing"; echo "deps: run as root: apt-get install -y$$missing"; exit 1; \
	fi; \
	echo "deps: installing:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing
endef

deps-build:
	$(call install_missing,$(BUILD_PKGS))

deps-mpi:
	$(call install_missing,$(MPI_PKGS))

deps: deps-build deps-mpi
	$(call install_missing,$(RUN_PKGS),npm)

# data/provenance.txt changes only when a dataset changes, so results stay valid.
data:
	sh data/fetch.sh

data/provenance.txt:
	sh data/fetch.sh

# ---- results, figures, paper -----------------------------------------------------
# MPIRUN="mpirun -n 8 --hostfile hosts" runs every program from bin/mpi under it, with
# THREADS_PER_RANK threads per rank if set (else the cores of a host shared by its ranks).
ifeq ($(MPIRUN),)
results/%/manifest.txt: $(BUILD)/% data/provenance.txt
	$(BUILD)/$* --out results/$* --threads $(THREADS)
else
results/%/manifest.txt: bin/mpi/% data/provenance.txt
	$(MPIRUN) bin/mpi/$* --out results/$*$(if $(THREADS_PER_RANK), --threads $(THREADS_PER_RANK))
ifneq ($(MPI),1)
bin/mpi/%: FORCE
	$(MAKE) --no-print-directory MPI=1 $@
endif
endif

# context_wells reads a network that cnn_wells trained (its A3 on CNN features, --cnn).
results/context_wells/manifest.txt: results/cnn_wells/manifest.txt

# A results directory written by a --quick or --scale paper run is never up to date for
# make (its manifest says "quick: yes" or "scale: paper"): reproduce reruns it at the
# default size.
QUICK_RUNS := $(shell grep -l -e '^quick: yes' -e '^scale: paper' results/*/manifest.txt 2>/dev/null)
$(QUICK_RUNS): FORCE
.PHONY: FORCE
FORCE:

results/claims.csv: $(RESULTS)
	@mkdir -p results
	{ echo "experiment,claim_id,description,paper_value,measured_value,tolerance,verdict"; \
	  for e in $(LEDGER); do tail -n +2 results/$$e/claims.csv; done; } > $@.tmp && mv $@.tmp $@

.SECONDEXPANSION:
results/%.png: experiments/$$(subst /,.,$$*).gp results/$$(dir $$*)manifest.txt $(wildcard experiments/*.gpi)
	gnuplot -e "dir='$(@D)'; out='$@.tmp'" $< && mv $@.tmp $@

results: $(RESULTS) results/claims.csv
figures: $(FIGS)

paper/paper.md: paper/build.sh $(wildcard paper/sections/*.md) results/claims.csv $(FIGS)
	sh paper/build.sh > $@.tmp && mv $@.tmp $@

paper: paper/paper.md

reproduce: deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory data && \
	$(MAKE) --no-print-directory all && \
	$(MAKE) --no-print-directory paper && \
	echo "reproduce: done in $$(( $$(date +%s) - start )) s; claims in results/claims.csv, paper in paper/paper.md"

# ---- fuzzing: libFuzzer (clang from Debian) on every loader of outside input ----------
# `make fuzz` builds tests/fuzz/fuzz_*.c against the loaders (ASan + UBSan), writes seed
# corpora of small valid files (tests/fuzz/seeds.c), replays the regression inputs
# (tests/fuzz/regress/TARGET/: every crash found becomes one), then fuzzes each target
# for FUZZ_SECONDS. A crash stops make and leaves the input in bin/fuzz/crash-TARGET-*.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wno-unknown-pragmas
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_LIB_OBJ := $(patsubst %.c,bin/fuzz/obj/%.o,lib/base/hop_data.c lib/base/hop_error.c lib/base/hop_math.c lib/learn/hop_cnn.c)

.SECONDARY: $(FUZZ_LIB_OBJ)
bin/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c $< -o $@

bin/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(LIB_DIRS:%=-I%) $< $(FUZZ_LIB_OBJ) $(LDLIBS) -o $@

bin/fuzz/seeds: tests/fuzz/seeds.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(LIB_DIRS:%=-I%) $< $(LIB) $(OMP) $(LDLIBS) -o $@

fuzz: $(FUZZ_TARGETS:%=bin/fuzz/%) bin/fuzz/seeds
	@command -v $(FUZZ_CC) > /dev/null || { echo "fuzz: $(FUZZ_CC) missing: apt-get install clang"; exit 1; }
	rm -rf bin/fuzz/seed && bin/fuzz/seeds bin/fuzz/seed && touch bin/fuzz/.started
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p bin/fuzz/corpus/$$t bin/fuzz/seed/$$t; \
	  if [ -d tests/fuzz/regress/$$t ] && ls tests/fuzz/regress/$$t/* > /dev/null 2>&1; then \
	    bin/fuzz/$$t tests/fuzz/regress/$$t/* > bin/fuzz/$$t.regress.log 2>&1 || { tail -30 bin/fuzz/$$t.regress.log; exit 1; }; \
	    echo "fuzz: $$t: regression inputs replayed"; fi; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  bin/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=bin/fuzz/crash-$$t- bin/fuzz/corpus/$$t bin/fuzz/seed/$$t > bin/fuzz/$$t.log 2>&1 \
	    || { tail -40 bin/fuzz/$$t.log; echo "fuzz: $$t: a crash; the input is in bin/fuzz/crash-$$t-*"; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" bin/fuzz/$$t.log | tr '\n' ' ' | sed "s/^/fuzz: $$t: /"; echo; \
	done
	@# the harnesses read memory files (memfd): nothing of theirs may appear in /tmp
	@left=$$(find $${TMPDIR:-/tmp} -maxdepth 1 -name 'hopfuzz*' -newer bin/fuzz/.started); \
	  if [ -n "$$left" ]; then echo "fuzz: left in /tmp: $$left"; exit 1; fi

clean:
	rm -rf bin

# Removes the datasets too (results and the paper are tracked; `git checkout` restores them).
distclean: clean
	rm -rf data/mnist data/fashion-mnist data/cifar-10 data/cifar-10-jpeg75 data/cifar-10-subset data/video \
	  data/provenance.txt data/.cache

-include $(shell find bin -name '*.d' 2>/dev/null)
