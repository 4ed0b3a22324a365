"""The command-line driver."""
