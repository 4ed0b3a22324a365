"""Darwin on Linux: what Mach-O code needs of a C library that glibc answers differently
(libc_layer.py: Darwin's names and arm64 calling convention, as machine-code shims linked
next to the target's own glibc under -libc=target)."""
