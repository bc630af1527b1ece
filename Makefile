# exp: build, test, demo and benchmarks. Every target that needs the C libraries depends on `deps`.
SWIFT   ?= swift
PREFIX  ?= /usr/local
CONFIG  ?= debug
DEB_PACKAGES := pkg-config libsndfile1-dev libfftw3-dev libopenblas-dev libsoxr-dev
TEST_PACKAGES := chromium
# test-ecosystem builds a venv and lets DVC drive git.
ECOSYSTEM_PACKAGES := python3-venv git
RELEASE_EXP = $(shell $(SWIFT) build -c release --show-bin-path)/exp
VENV    := bench/.venv

.PHONY: deps test-deps apt-install build release test demo bench bench-features install clean test-ecosystem bench-compare

## deps: install the Debian -dev packages exp links against (as root), or print the command to do so.
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(DEB_PACKAGES)"

## test-deps: deps plus every tool the test suite runs (Chromium renders `exp report` pages headless).
test-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(DEB_PACKAGES) $(TEST_PACKAGES)"

# apt-install: installs the missing PACKAGES as root; otherwise prints the exact command and fails.
apt-install:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "missing Debian packages:$$missing"; \
	  echo "run: sudo apt-get install -y$$missing"; exit 1; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

release: deps
	$(SWIFT) build -c release --product exp

test: test-deps
	$(SWIFT) test --skip FaultTests

.PHONY: test-faults
## test-faults: kills, full disks (tmpfs mounts, as root), concurrent runners, a corrupted cache, divergence.
test-faults: test-deps
	$(SWIFT) test --filter FaultTests

## demo: synthesise the demo corpus into data/demo if absent, train experiments/demo.yaml, show the run.
demo: release
	@test -d data/demo || $(RELEASE_EXP) data synth --out data/demo --sample-rate 16000
	$(RELEASE_EXP) run experiments/demo.yaml
	$(RELEASE_EXP) show demo

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(RELEASE_EXP) $(DESTDIR)$(PREFIX)/bin/exp

clean:
	rm -rf .build

## bench: every benchmark against its Python peer (needs the venv: $(PYTHON)).
bench: bench-features bench-train

## bench-features: exp (1 and 2 threads) vs librosa on the same WAVs; CORPUS=DIR, else 200 generated clips.
PYTHON       ?= $(VENV)/bin/python
BENCH_DIR    := .build-bench
bench-features: release
	@test -x "$(PYTHON)" || { echo "no Python at $(PYTHON): python3 -m venv $(VENV) && $(VENV)/bin/pip install -r Tests/Reference/requirements-audio.txt (or set PYTHON=...)"; exit 1; }
	@mkdir -p $(BENCH_DIR); corpus="$(CORPUS)"; \
	if [ -z "$$corpus" ]; then corpus=$(BENCH_DIR)/clips; \
	  [ -d $$corpus ] || $(PYTHON) bench/make_bench_clips.py --out $$corpus; fi; \
	$(RELEASE_EXP) bench features --corpus "$$corpus" --threads 1 --json > $(BENCH_DIR)/exp-1.json && \
	$(RELEASE_EXP) bench features --corpus "$$corpus" --threads 2 --json > $(BENCH_DIR)/exp-2.json && \
	$(RELEASE_EXP) bench features --corpus "$$corpus" --threads 1 && \
	$(RELEASE_EXP) bench features --corpus "$$corpus" --threads 2 && \
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(PYTHON) bench/peers/librosa_features.py --corpus "$$corpus" --compare $(BENCH_DIR)/exp-1.json $(BENCH_DIR)/exp-2.json

## bench-train: exp vs PyTorch vs Keras (TF CPU) training the default model, 2 threads, back to back, with ratios;
## then exp vs PyTorch on a small 2-D CNN over 64 log-mel bands.
## Installs torch / tensorflow-cpu / keras into $(VENV) when missing (VENV must exist: python3 -m venv $(VENV)).
TRAIN_PEERS := torch==2.15.0 tensorflow-cpu==2.21.0 keras==3.15.1
bench-train: release
	@test -x "$(VENV)/bin/python" || { echo "no venv at $(VENV): python3 -m venv $(VENV)"; exit 1; }
	@$(VENV)/bin/python -c "import torch, tensorflow, keras" 2>/dev/null || $(VENV)/bin/pip install $(TRAIN_PEERS)
	@mkdir -p $(BENCH_DIR)
	$(RELEASE_EXP) bench train --threads 2 --json > $(BENCH_DIR)/train-exp.json
	$(RELEASE_EXP) bench train --threads 2
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(VENV)/bin/python bench/peers/keras_train.py --threads 2 --json > $(BENCH_DIR)/train-keras.json
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(VENV)/bin/python bench/peers/torch_train.py --threads 2 \
	  --compare $(BENCH_DIR)/train-exp.json $(BENCH_DIR)/train-keras.json
	$(RELEASE_EXP) bench train --model cnn2d --features 64 --threads 2 --json > $(BENCH_DIR)/train-cnn2d-exp.json
	$(RELEASE_EXP) bench train --model cnn2d --features 64 --threads 2
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(VENV)/bin/python bench/peers/torch_train.py --model cnn2d --features 64 \
	  --threads 2 --compare $(BENCH_DIR)/train-cnn2d-exp.json

## parity: regenerate the PyTorch golden data (never run by tests or CI); parity-train proves checkpoint interop.
.PHONY: bench-train parity parity-train
parity: parity-train
parity-train:
	$(VENV)/bin/python Tests/Reference/make_train_reference.py

## test-ecosystem: real DVC, TensorBoard and MLflow (installed into $(VENV) from PyPI) read what exp exports.
test-ecosystem:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(DEB_PACKAGES) $(ECOSYSTEM_PACKAGES)"
	$(SWIFT) build --product exp
	@test -x "$(PYTHON)" || python3 -m venv $(VENV)
	@if ! $(PYTHON) -m pip install -q -r Tests/Reference/requirements-export.txt; then \
	  if ! $(PYTHON) -m pip download -q --no-deps -d /tmp/exp-pip-probe pip >/dev/null 2>&1; then \
	    echo "SKIPPED test-ecosystem: the PyPI registry is unreachable, so dvc/tensorboard/mlflow cannot be installed"; exit 0; \
	  fi; exit 1; fi; \
	sh Tests/Ecosystem/run_ecosystem.sh "$$($(SWIFT) build --show-bin-path)/exp" "$(abspath $(PYTHON))"

## bench-compare: exp compare / exp report over 1,000 generated runs (clones of one real tiny run), release build.
bench-compare: release
	@mkdir -p $(BENCH_DIR)/compare && cd $(BENCH_DIR)/compare && \
	if [ ! -d runs-1000 ]; then \
	  cp ../../Tests/Ecosystem/tiny.yaml . && \
	  { test -d corpus || $(RELEASE_EXP) data synth --out corpus --actors 4 --sample-rate 8000 >/dev/null; } && \
	  $(RELEASE_EXP) run tiny.yaml --runs-dir template --quiet && \
	  python3 ../../bench/make_compare_runs.py --template "$$(dirname template/eco/*/run.json)" --out runs-1000 --count 1000; \
	fi && \
	for i in 1 2 3; do /usr/bin/time -f "exp compare, 1000 runs: %e s, %M KB" $(RELEASE_EXP) compare runs-1000 \
	  --where "optimizer.learning_rate < 1e-2 and status == completed" --sort -test.uar --top 10 > /dev/null; done && \
	/usr/bin/time -f "exp compare --group-by, 1000 runs: %e s" $(RELEASE_EXP) compare runs-1000 --group-by features.type,optimizer.learning_rate && \
	/usr/bin/time -f "exp report, 1000 runs: %e s" $(RELEASE_EXP) report runs-1000 --out report-1000.html

## fuzz: libFuzzer + AddressSanitizer on every input parser (Fuzz/), FUZZ_SECONDS each (default 60).
## New inputs grow Fuzz/Work/<harness>/; a crash, leak, timeout or OOM lands in Fuzz/Artifacts/<harness>/ and fails.
## Reproduce one: Fuzz/.build/debug/FuzzSpec Fuzz/Artifacts/spec/crash-<sha1>.
FUZZ_SECONDS   ?= 60
FUZZ_HARNESSES ?= spec safetensors wav manifest where
FUZZ_FLAGS     ?=
# swift-frontend keeps only the last -sanitize= flag, so `--sanitize fuzzer --sanitize address` (two flags, in
# SwiftPM's set order) silently drops coverage or ASan. `--sanitize fuzzer` makes SwiftPM link libFuzzer's main;
# the combined -Xswiftc list, passed after it, instruments for both. libyaml (C) gets both too.
FUZZ_BUILD     := $(SWIFT) build --package-path Fuzz --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
.PHONY: fuzz sanitize
fuzz: deps
	@mkdir -p Fuzz/Work; echo "$(FUZZ_BUILD)"; $(FUZZ_BUILD) > Fuzz/Work/build.log 2>&1 || \
	  { grep -v "Cannot export local symbol" Fuzz/Work/build.log | tail -40; exit 1; }
	@bin=$$($(FUZZ_BUILD) --show-bin-path); status=0; \
	for h in $(FUZZ_HARNESSES); do \
	  case $$h in spec) t=FuzzSpec;; safetensors) t=FuzzSafetensors;; wav) t=FuzzWAV;; manifest) t=FuzzManifest;; \
	    where) t=FuzzWhere;; *) echo "unknown harness '$$h'; known: spec safetensors wav manifest where"; exit 2;; esac; \
	  mkdir -p Fuzz/Work/$$h Fuzz/Artifacts/$$h; start=$$(date +%s); \
	  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp $$bin/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 \
	    -dict=Fuzz/Dictionaries/$$h.dict -artifact_prefix=Fuzz/Artifacts/$$h/ -print_final_stats=1 $(FUZZ_FLAGS) \
	    Fuzz/Work/$$h Fuzz/Corpus/$$h < /dev/null > Fuzz/Work/$$h.log 2>&1 || status=1; \
	  seconds=$$(( $$(date +%s) - start )); runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' Fuzz/Work/$$h.log | tail -1); \
	  found=$$(ls Fuzz/Artifacts/$$h | wc -l); \
	  printf '%-12s %10s executions in %ss, corpus %s inputs, %s artifacts\n' $$h "$${runs:-?}" $$seconds \
	    "$$(ls Fuzz/Work/$$h | wc -l)" $$found; \
	  printf '%s\t%s\t%s\t%s\t%s\n' "$$(date -u +%FT%TZ)" $$h $$seconds "$${runs:-?}" $$found >> Fuzz/Work/history.tsv; \
	  if [ $$found != 0 ]; then status=1; ls Fuzz/Artifacts/$$h; grep -m1 -A12 "ERROR\|Fatal error\|deadly signal" Fuzz/Work/$$h.log; fi; \
	done; exit $$status

## sanitize: the test suite of `make test` under AddressSanitizer, then under ThreadSanitizer (separate build
## paths). SANITIZE_FLAGS= (empty) adds the fault-injection suite, which `make test` also leaves to test-faults.
## TSan maps its shadow at fixed addresses, so the TSan run disables ASLR with `setarch -R` where the kernel
## allows it (needed with vm.mmap_rnd_bits > 28; recent runtimes also re-exec themselves without ASLR).
SANITIZE_FLAGS ?= --skip FaultTests
sanitize: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp $(SWIFT) test --sanitize address --scratch-path .build-asan $(SANITIZE_FLAGS)
	@norandom=""; setarch "$$(uname -m)" -R true 2>/dev/null && norandom="setarch $$(uname -m) -R"; \
	echo "$$norandom $(SWIFT) test --sanitize thread --scratch-path .build-tsan $(SANITIZE_FLAGS)"; \
	$$norandom $(SWIFT) test --sanitize thread --scratch-path .build-tsan $(SANITIZE_FLAGS)

## test-cluster: sweeps through a real one-node Slurm cluster (installs slurm-wlm and munge as root when missing;
## daemons in a temp dir, stopped by pid) and the Kubernetes Job checked by kubernetes-validate (PyPI, in a venv).
.PHONY: test-cluster
test-cluster: deps
	$(SWIFT) build --product exp
	bash Tests/Cluster/run_cluster.sh "$$($(SWIFT) build --show-bin-path)/exp" .build/cluster-venv
