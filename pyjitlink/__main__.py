"""`python -m pyjitlink`: the same command as the `pyjitlink` console script."""

from pyjitlink.tool.entry import main

main()
