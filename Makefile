# exp: build, test, demo and benchmarks. Every target that needs the C libraries depends on `deps`.
SWIFT   ?= swift
PREFIX  ?= /usr/local
CONFIG  ?= debug
DEB_PACKAGES := pkg-config libsndfile1-dev libfftw3-dev libopenblas-dev libsoxr-dev
RELEASE_EXP = $(shell $(SWIFT) build -c release --show-bin-path)/exp
VENV    := bench/.venv

.PHONY: deps build release test demo bench install clean

## deps: install the Debian -dev packages exp links against (as root), or print the command to do so.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
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

test: deps
	$(SWIFT) test

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(RELEASE_EXP) $(DESTDIR)$(PREFIX)/bin/exp

clean:
	rm -rf .build
