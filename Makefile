# memvm top-level entry points.  The real build is meson/ninja in build/.
BUILD ?= build
SAN_BUILD ?= build-san

.PHONY: all deps build check check-fast demo clean fuzz distclean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	./configure --builddir=$(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

check: build
	python3 scripts/run-tests.py --build $(BUILD)

demo: build
	bash scripts/demo.sh $(BUILD)

clean:
	-ninja -C $(BUILD) clean

distclean:
	rm -rf $(BUILD) $(SAN_BUILD) build-fuzz
