# The two commands the README names, and the build.
#   make demo   set up, build, run the main job on an embedded example
#   make test   set up, build, run every test (also the sanitizer configuration)
#   make build  leave the programs under build/
BUILD ?= build
SAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DEBIAN_PACKAGES := cmake ninja-build g++ clang libgtest-dev libgmock-dev libbenchmark-dev \
  libsndfile1-dev nlohmann-json3-dev libcli11-dev libfmt-dev pkg-config libclang-rt-14-dev chromium \
  pybind11-dev python3-dev python3-numpy python3-pytest python3-setuptools python3-wheel \
  python3-pip python3-torch lv2-dev liblilv-dev lilv-utils sordi
export DGEN_CACHE_DIR ?= $(CURDIR)/$(BUILD)/dgen-cache

.PHONY: setup build demo test test-fast test-asan clean

# Installs what is missing, with apt-get, when run as root; otherwise says what to install.
setup:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run as root, or install them)"; exit 1; fi; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-asan
	$(MAKE) test-fuzz

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The sanitizer configuration: ASan + UBSan over the whole test suite but the hidden-param
# recovery of every example (minutes of search per patch, through code the trainer's and
# the search's own tests already cover under the sanitizers). One test process per suite
# (cmake/suite_tests.cmake). The kernels the release tests compiled are copied into its
# cache first: they are the same C and CUDA (the same keys), built by the same compilers,
# and nothing in them is sanitized, so compiling them again would only repeat that work.
test-asan: setup
	cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDGEN_SANITIZE=ON -DDGEN_BUILD_BENCH=OFF
	cmake --build $(SAN_BUILD) -j $(JOBS)
	if [ -d $(BUILD)/dgen-cache ]; then mkdir -p $(SAN_BUILD)/dgen-cache && cp -rn $(BUILD)/dgen-cache/. $(SAN_BUILD)/dgen-cache/; fi
	cd $(SAN_BUILD) && DGEN_CACHE_DIR=$(CURDIR)/$(SAN_BUILD)/dgen-cache ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -E 'ExamplePatches/Recovery\.'

# The patch-loader fuzzer for 60 s, seeded with the examples (needs clang; skipped without).
# Leak checks are off: feedback loops are reclaimed in batches (src/ir/cell_collector.hpp),
# not after each input, which libFuzzer's per-input leak check would report.
test-fuzz: setup
	@if command -v clang++ >/dev/null; then \
	  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	    -DCMAKE_CXX_COMPILER=clang++ -DDGEN_FUZZ=ON -DDGEN_BUILD_TESTS=OFF -DDGEN_BUILD_BENCH=OFF \
	    -DDGEN_BUILD_TOOLS=OFF && \
	  cmake --build build-fuzz -j $(JOBS) --target dgen_lisp_fuzzer && \
	  mkdir -p build-fuzz/corpus && \
	  ASAN_OPTIONS=detect_leaks=0 build-fuzz/tests/fuzz/dgen_lisp_fuzzer -dict=tests/fuzz/lisp.dict \
	    -max_total_time=60 -print_final_stats=1 build-fuzz/corpus examples; \
	else echo "clang++ not found: skipping the fuzzer"; fi

clean:
	rm -rf $(BUILD) $(SAN_BUILD) build-fuzz
