"""Where linked code lives and runs: native (mmap + ctypes) or nowhere (-noexec)."""
