"""The emulated Linux process: the target's own C runtime (found as the gcc driver finds it),
a static executable's start-up (initial stack, auxv, program headers, IRELATIVE), and the
system calls it makes, answered in Python (qemu-user's design)."""
