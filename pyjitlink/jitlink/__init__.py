"""Generic linker: the LinkGraph, passes, tables, memory layout; no format or CPU code."""
