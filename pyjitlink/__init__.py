"""pyjitlink: a JIT linker in the spirit of llvm-jitlink, written in Python."""

__version__ = "0.1.0"
