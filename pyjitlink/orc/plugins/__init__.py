"""ORC plugins that show JIT'd code to tools: debug objects for fault reports and debuggers
(GDB's JIT interface), perf maps and jitdump files, symbol-table dumps."""
