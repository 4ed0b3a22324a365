"""The jitlink-check expression checker.

The tool calls ``pyjitlink.check.checker.check_files(env, files, check_name, err)`` with a
``CheckerEnvironment`` (``environment.py``); ``expr`` parses rules, ``checker`` evaluates them,
``disasm`` gives ``decode_operand``/``next_pc`` LLVM's MCInst operand numbering.
"""
