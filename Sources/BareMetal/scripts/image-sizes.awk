# Reads a GNU ld map file and prints how the image's read-only bytes (the
# .text and .rodata output sections: what `size` calls text, and what a chip
# keeps in ROM or flash) divide between the olic core, libsodium and the rest
# (the firmware, picolibc, libgcc, alignment padding):
#   olic N / libsodium N / firmware N
# Merged string sections are listed with their size before merging, so the
# figures can exceed the linked size by a few bytes; qemu-json.sh therefore
# reports the firmware's share as the remainder of `size`'s total.
# Usage: awk -v OLIC_OBJECT=build/cross/.../olic.o -f image-sizes.awk image.map
function owner(file) {
  if (file == OLIC_OBJECT) return "olic"
  if (file ~ /libsodium\.a\(/) return "libsodium"
  return "firmware"
}
# "0x1a2" -> 418 (mawk has no strtonum).
function hex(s,    i, n) {
  n = 0
  for (i = 3; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(tolower(s), i, 1)) - 1
  return n
}
function add(size, file) { bytes[owner(file)] += hex(size) }
/^Linker script and memory map/ { in_map = 1; next }
!in_map { next }
# An output section starts at column 0.
/^[^ ]/ { section = $1; pending = 0; next }
section != ".text" && section != ".rodata" { next }
# Padding between input sections.
/^ \*fill\*/ { add($3, "*fill*"); next }
# An input section: name, address, size, file on one line, or the name alone
# with the rest on the next line when the name is long.
/^ \.[^ ]+ *$/ { pending = 1; next }
/^ \.[^ ]+ +0x/ { add($3, $4); next }
pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ { add($2, $3); pending = 0; next }
{ pending = 0 }
END {
  printf "olic %d\nlibsodium %d\nfirmware %d\n", bytes["olic"], bytes["libsodium"], bytes["firmware"]
}
