// p11-kit installs its header under $includedir/p11-kit-1. Named by path, not
// through pkg-config, because p11-kit-1.pc would also link libp11-kit, and olic
// needs nothing from that library: only the header's types and constants.
#include "/usr/include/p11-kit-1/p11-kit/pkcs11.h"
