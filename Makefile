# Front door. The real build is CMake (see CMakePresets.json); this file only
# chains: install missing Debian packages -> configure -> build -> run/test.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
EXPERIMENT ?= experiments/default.toml
CMAKE_FLAGS ?=
# Sanitizers in `make test` (SANITIZE=0 skips the second build for a quick
# local run; CI keeps the default). build-asan: clang with AddressSanitizer +
# UBSan and the libFuzzer targets (tests/fuzz/README.md), each fuzzed for
# FUZZ_SECONDS; ThreadSanitizer runs inside the Release build (tests/CMakeLists.txt).
SANITIZE ?= 1
SAN_DIR ?= build-asan
SAN_CC ?= clang-14
SAN_CXX ?= clang++-14
FUZZ_SECONDS ?= 20
SAN_FLAGS = -O1 -gline-tables-only

.PHONY: all deps build run test bench clean
.PHONY: test-asan

all: build

deps:
	@bash cmake/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p results
	$(BUILD_DIR)/passerelle run $(EXPERIMENT) -o results/default.h5 --force
	$(BUILD_DIR)/passerelle report results/default.h5 -o results/default.html --force

test: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target passerelle_tsan_tests
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@if [ "$(SANITIZE)" != 0 ]; then $(MAKE) --no-print-directory test-asan; fi

$(SAN_DIR)/build.ninja: | deps
	cmake -S . -B $(SAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
	  -DCMAKE_C_COMPILER=$(SAN_CC) -DCMAKE_CXX_COMPILER=$(SAN_CXX) \
	  "-DCMAKE_C_FLAGS_SANITIZE=$(SAN_FLAGS)" "-DCMAKE_CXX_FLAGS_SANITIZE=$(SAN_FLAGS)" \
	  -DPASSERELLE_SANITIZE=ON -DPASSERELLE_FUZZ=ON \
	  -DPASSERELLE_MPI=OFF -DPASSERELLE_BUILD_BENCH=OFF

# The unit tests under ASan + UBSan, and a bounded run of each fuzz target.
# The Python analysis tests only drive the binary: the Release run covers them.
test-asan: deps $(SAN_DIR)/build.ninja
	cmake --build $(SAN_DIR) -j $(JOBS)
	cd $(SAN_DIR) && ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  PASSERELLE_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  ctest --output-on-failure -j $(JOBS) --timeout 600 -E '^analysis[.]'

bench: build
	$(BUILD_DIR)/bench/passerelle_bench

clean:
	rm -rf $(BUILD_DIR)
	rm -rf $(SAN_DIR)
