# The commands people type; Meson and ninja do the building. Each target installs what it
# needs first (make deps is idempotent and quick when everything is there).
BUILD ?= build
SAN   ?= build-san
FUZZ  ?= build-fuzz

.PHONY: all deps build test test-san demo bench fuzz fuzz-replay format format-check docs clean

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	@sh scripts/deps.sh
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: build
	@sh scripts/deps.sh
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, built with clang.
$(SAN)/build.ninja:
	@sh scripts/deps.sh
	CC=clang meson setup $(SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

test-san: $(SAN)/build.ninja
	ninja -C $(SAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(SAN) --print-errorlogs --num-processes 2

demo: build
	@sh scripts/deps.sh
	@sh scripts/demo.sh $(BUILD)/bulkhead

bench: build
	@sh tests/bench/run.sh $(BUILD)/bulkhead

# libFuzzer targets, built with clang; FUZZ_SECONDS bounds each run.
$(FUZZ)/build.ninja:
	@sh scripts/deps.sh
	CC=clang meson setup $(FUZZ) --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false

fuzz: $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	@sh tests/fuzz/run.sh $(FUZZ) $${FUZZ_SECONDS:-60}

docs: build
	$(BUILD)/bulkhead gen-docs docs

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

clean:
	rm -rf $(BUILD) $(SAN) $(FUZZ)
