"""Fixup semantics per CPU, shared by the ELF and Mach-O builders."""
