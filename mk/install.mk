# make install PREFIX=...: the header, the static library and a pkg-config file,
# which is all a vendor's build needs. include/module.modulemap is for Swift
# only and is not installed. DESTDIR is honoured for staged (packaging) installs.

PREFIX  ?= /usr/local
DESTDIR ?=
# The library's release version for pkg-config; the wire version is OLIC_VERSION.
OLIC_RELEASE ?= 1.0.0

.PHONY: install test-install

# prefix= is made absolute: a relative one would mean nothing to pkg-config.
# libolic.a is static, so its dependency on libsodium only shows at the final
# link: Requires.private makes `pkg-config --static --libs olic` add it.
install: $(BUILD)/libolic.a include/olic.h
	install -d "$(DESTDIR)$(PREFIX)/include" "$(DESTDIR)$(PREFIX)/lib/pkgconfig"
	install -m 0644 include/olic.h "$(DESTDIR)$(PREFIX)/include/olic.h"
	install -m 0644 $(BUILD)/libolic.a "$(DESTDIR)$(PREFIX)/lib/libolic.a"
	printf '%s\n' \
	  'prefix=$(abspath $(PREFIX))' \
	  'exec_prefix=$${prefix}' \
	  'libdir=$${exec_prefix}/lib' \
	  'includedir=$${prefix}/include' \
	  '' \
	  'Name: olic' \
	  'Description: Offline licensing verifier for AI accelerators (olic v1)' \
	  'Version: $(OLIC_RELEASE)' \
	  'Requires.private: libsodium' \
	  'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lolic' \
	  > "$(DESTDIR)$(PREFIX)/lib/pkgconfig/olic.pc"
	chmod 0644 "$(DESTDIR)$(PREFIX)/lib/pkgconfig/olic.pc"

# Installs into a fresh prefix and builds an outside program from it with
# nothing but pkg-config, as a vendor would.
test-install: $(BUILD)/libolic.a
	Tests/install/run.sh

TEST_TARGETS += test-install
