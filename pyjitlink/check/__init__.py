"""The jitlink-check expression checker."""
