# make install PREFIX=...: the header, the static library and a pkg-config file,
# which is all a vendor's build needs, the olic CLI (PREFIX/bin) and the docs
# (PREFIX/share/doc/olic). include/module.modulemap is for Swift only and is not
# installed. DESTDIR is honoured for staged (packaging) installs.

PREFIX  ?= /usr/local
DESTDIR ?=
# The library's release version for pkg-config; the wire version is OLIC_VERSION.
OLIC_RELEASE ?= 1.0.0

.PHONY: install install-lib install-cli install-docs test-install

INSTALL_DOCS := README.md $(sort $(wildcard docs/*.md))

# prefix= is made absolute: a relative one would mean nothing to pkg-config.
# Only a static archive ships, so every link of -lolic needs libsodium too:
# Requires (not Requires.private) makes plain `pkg-config --libs olic` say so.
# install-lib is what a firmware build needs and, unlike the CLI, needs no
# network (the CLI fetches swift-argument-parser; README, "Building without a
# network").
install: install-lib install-cli install-docs

install-lib: $(OLIC_ARCHIVES) include/olic.h
	install -d "$(DESTDIR)$(PREFIX)/include" "$(DESTDIR)$(PREFIX)/lib/pkgconfig"
	install -m 0644 include/olic.h "$(DESTDIR)$(PREFIX)/include/olic.h"
	install -m 0644 $(BUILD)/libolic.a "$(DESTDIR)$(PREFIX)/lib/libolic.a"
	install -m 0644 $(BUILD)/libolic-tools.a "$(DESTDIR)$(PREFIX)/lib/libolic-tools.a"
	printf '%s\n' \
	  'prefix=$(abspath $(PREFIX))' \
	  'exec_prefix=$${prefix}' \
	  'libdir=$${exec_prefix}/lib' \
	  'includedir=$${prefix}/include' \
	  '' \
	  'Name: olic' \
	  'Description: Offline licensing verifier for AI accelerators (olic v1)' \
	  'Version: $(OLIC_RELEASE)' \
	  'Requires: libsodium' \
	  'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lolic-tools -lolic' \
	  > "$(DESTDIR)$(PREFIX)/lib/pkgconfig/olic.pc"
	chmod 0644 "$(DESTDIR)$(PREFIX)/lib/pkgconfig/olic.pc"

install-cli: $(BUILD)/olic
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 $(BUILD)/olic "$(DESTDIR)$(PREFIX)/bin/olic"

install-docs: $(INSTALL_DOCS)
	install -d "$(DESTDIR)$(PREFIX)/share/doc/olic/docs"
	install -m 0644 README.md "$(DESTDIR)$(PREFIX)/share/doc/olic/README.md"
	install -m 0644 $(filter docs/%,$(INSTALL_DOCS)) "$(DESTDIR)$(PREFIX)/share/doc/olic/docs/"

# Installs into a fresh prefix and builds an outside program from it with
# nothing but pkg-config, as a vendor would.
test-install: $(OLIC_ARCHIVES) $(BUILD)/olic
	Tests/install/run.sh

TEST_TARGETS += test-install
