# The two commands of the README:
#   make demo   install what is missing, build, run racecheck on samples/ and print the report
#   make test   install what is missing, build, run the whole test suite (ctest)
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRC_WERROR=ON
MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build test demo format clean

all: build

deps:
	@scripts/install-deps
	@scripts/fetch-sarif-schema

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS) > $(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
