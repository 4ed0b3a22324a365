"""The ORC-style session layer: ExecutionSession, JITDylibs, materialization, lookup."""
