# memvm top-level entry points.  The real build is meson/ninja in build/;
# build-san/ is the same tree with ASan + UBSan (+ LeakSanitizer).
BUILD ?= build
SAN_BUILD ?= build-san
FUZZ_SECONDS ?= 60
# make install PREFIX=/usr DESTDIR=/tmp/stage: binaries, man pages, docs.
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build build-san check check-fast demo clean fuzz distclean install

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	./configure --builddir=$(BUILD)

$(SAN_BUILD)/build.ninja: | deps
	./configure --builddir=$(SAN_BUILD) --enable-sanitizers

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-san: deps $(SAN_BUILD)/build.ninja
	ninja -C $(SAN_BUILD)

# Everything in the normal build; unit and qtest suites again sanitized.
check: build build-san
	python3 scripts/run-tests.py --build $(BUILD) --build $(SAN_BUILD):unit,qtest

# Quicker loop for developers: the normal build only.
check-fast: build
	python3 scripts/run-tests.py --build $(BUILD)

# meson installs what its targets mark install: true (memvm and its
# memvm-system-* names, the man pages, docs/).
install: build
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	DESTDIR="$(DESTDIR)" meson install -C $(BUILD) --quiet

demo: build
	bash scripts/demo.sh $(BUILD)

fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	-ninja -C $(BUILD) clean
	-ninja -C $(SAN_BUILD) clean

distclean:
	rm -rf $(BUILD) $(SAN_BUILD) build-fuzz
