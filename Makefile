# Front door. The real build is CMake (see CMakePresets.json); this file only
# chains: install missing Debian packages -> configure -> build -> run/test.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
EXPERIMENT ?= experiments/default.toml
CMAKE_FLAGS ?=

.PHONY: all deps build run test bench clean

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

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	$(BUILD_DIR)/bench/passerelle_bench

clean:
	rm -rf $(BUILD_DIR)
