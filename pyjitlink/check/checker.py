"""Evaluate jitlink-check rules against a CheckerEnvironment and report failures with file:line.

The tool calls one function::

    check_files(env, files, check_name, err, keep_going=False) -> list[str]

It reads each check file in order and evaluates every rule in it (a failing rule does not stop
the others in its file). It returns the files that failed: a file fails if any rule in it is
false or cannot be evaluated, or if it holds no rule at all. Like llvm-jitlink (which exits at
the first failing file) it stops after the first failing file unless ``keep_going``. The caller
then reports ``Some checks in <file> failed``. A file that cannot be read raises CheckError.

What goes to ``err``, one message per failing rule, LLVM's text after a ``file:line: `` prefix
(the line where the rule starts), so FileCheck patterns written for llvm-jitlink still match::

    c.s:12: Expression 'decode_operand(f, 0) = 0x29' is false: 0x2a != 0x29
    c.s:13: Error evaluating expression 'foo = 1': No known address for symbol 'foo'
    c.s:14: Error evaluating expression '1 + 2 = 3': Encountered unexpected token ' ' while \
parsing subexpression '1 + 2'
    c.s: no rules found (no line starts with '# jitlink-check:')

Rules (RuntimeDyldChecker::checkAllRulesInBuffer): after leading whitespace, a line that starts
with ``"# " + check_name + ":"`` holds a rule; if the rule's text ends with ``\\`` (the very
last character of the line) the backslash is dropped and the text of the next line that starts
with the prefix is appended (blank lines in between are skipped; a non-blank line without the
prefix ends the rule as it stands). A continuation still open at the end of the file is
ignored, as in LLVM, with a warning. Evaluation:

* values are 64-bit unsigned and wrap; a shift by 64 or more gives 0;
* a symbol is its target address, inside a load as well as outside (LLVM uses the linker's
  local address inside a load; reading through the environment makes these agree);
* ``*{N}addr`` reads N bytes, little-endian, from linked memory; address 0 reads as 0 (LLVM's
  rule for zero-fill content); an address outside every linked block is an error;
* ``decode_operand`` returns an immediate operand (sign-extended to 64 bits, then taken
  unsigned); a register operand is an error, as in LLVM;
* ``next_pc(sym)`` is sym's address plus the length of the instruction there;
* ``stub_addr``/``got_addr``/``section_addr`` are the entry's target address.

Errors are reported in LLVM's order although parsing and evaluating are separate steps here:
the left side before the right side, and within a side whichever comes first left to right
(``foo) = 1`` with no ``foo`` reports the unknown symbol, as LLVM, evaluating while it parses,
does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from pyjitlink.check import disasm
from pyjitlink.check.environment import CheckerEnvironment, MemoryRegion
from pyjitlink.check.expr import (
    MASK64,
    BinOp,
    DecodableSymbol,
    DecodeOperand,
    Expr,
    GOTAddr,
    Load,
    NextPC,
    Number,
    RuleSyntaxError,
    SectionAddr,
    Slice,
    StubAddr,
    Symbol,
    parse_rule,
    parse_side,
)
from pyjitlink.errors import CheckError

__all__ = ["check_file", "check_files", "check_rule", "check_text", "evaluate", "split_rules"]

_SPACE = " \t\n\v\f\r"


# ---------------------------------------------------------------- evaluation


def evaluate(env: CheckerEnvironment, e: Expr, memo: dict[int, int] | None = None) -> int:
    """The 64-bit value of ``e``; CheckError (with LLVM's text) if it cannot be computed.

    Walks the tree with an explicit stack (left operand first, as LLVM evaluates), so a
    flat sum of thousands of terms or deeply nested parentheses need no recursion. ``memo``
    (node id -> value) lets a caller evaluate subtrees once across several calls.
    """
    stack: list[tuple[Expr, bool]] = [(e, False)]
    values: list[int] = []
    while stack:
        node, operands_done = stack.pop()
        if memo is not None and id(node) in memo:
            values.append(memo[id(node)])
            continue
        if isinstance(node, BinOp | Slice | Load):
            if not operands_done:
                stack.append((node, True))
                if isinstance(node, BinOp):
                    stack.append((node.rhs, False))
                    stack.append((node.lhs, False))
                else:
                    stack.append((node.expr if isinstance(node, Slice) else node.address,
                                  False))
                continue
            if isinstance(node, BinOp):
                b = values.pop()
                value = _binary(node.op, values.pop(), b)
            elif isinstance(node, Slice):
                value = (values.pop() >> node.low) & ((1 << (node.high - node.low + 1)) - 1)
            else:
                value = _load(env, node.size, values.pop())
        else:
            value = _leaf(env, node)
        if memo is not None:
            memo[id(node)] = value
        values.append(value)
    return values[0]


def _binary(op: str, a: int, b: int) -> int:
    match op:
        case "+":
            return (a + b) & MASK64
        case "-":
            return (a - b) & MASK64
        case "&":
            return a & b
        case "|":
            return a | b
        case "<<":
            return (a << b) & MASK64 if b < 64 else 0
        case ">>":
            return a >> b if b < 64 else 0
    raise AssertionError(f"unknown operator {op!r}")


def _leaf(env: CheckerEnvironment, e: Expr) -> int:
    """The value of an expression without operands (a number, a symbol, a function)."""
    match e:
        case Number(value):
            return value
        case Symbol(name):
            return _symbol(env, name).address & MASK64
        case DecodeOperand(symbol, offset, index):
            return _decode_operand(env, symbol, offset, index)
        case NextPC(symbol):
            region = env.symbol(symbol)
            if region is None:
                raise CheckError(f"Cannot decode unknown symbol '{symbol}'")
            inst = _decode(env, symbol, region.content, region.address, 0)
            return (region.address + inst.size) & MASK64
        case StubAddr(file, symbol, kind):
            found = env.stub(file, symbol, kind)
            if found is None:
                raise CheckError(f'RTDyldChecker: no stub for "{symbol}" registered for file '
                                 f'"{file}"' + (f' (stub-kind filter "{kind}")' if kind else ""))
            return found.address & MASK64
        case GOTAddr(file, symbol):
            found = env.got_entry(file, symbol)
            if found is None:
                raise CheckError(f'RTDyldChecker: no GOT entry for "{symbol}" registered for '
                                 f'file "{file}"')
            return found.address & MASK64
        case SectionAddr(file, section):
            found = env.section(file, section)
            if found is None:
                raise CheckError(f'RTDyldChecker: no section "{section}" registered for file '
                                 f'"{file}"')
            return found.address & MASK64
    raise AssertionError(f"not an expression: {type(e).__name__}")


def _symbol(env: CheckerEnvironment, name: str) -> MemoryRegion:
    region = env.symbol(name)
    if region is None:
        msg = f"No known address for symbol '{name}'"
        if name.startswith("L"):
            # LLVM's hint, double space included.
            msg += " (this appears to be an assembler local label -  perhaps drop the 'L'?)"
        raise CheckError(msg)
    return region


def _load(env: CheckerEnvironment, size: int, address: int) -> int:
    if address == 0:
        return 0
    data = env.read(address, size)
    if data is None or len(data) != size:
        raise CheckError(f"Cannot read {size} bytes at address {address:#x}: not in any "
                         f"linked block")
    return int.from_bytes(data, "little")


def _decode(env: CheckerEnvironment, symbol: str, content: bytes | None, address: int,
            offset: int) -> disasm.Instruction:
    code = content or b""
    inst = None
    if 0 <= offset < len(code):
        try:
            inst = disasm.decode(env.arch, code[offset:], address + offset)
        except ValueError:
            inst = None
    if inst is None:
        raise CheckError(f"Couldn't decode instruction at '{symbol}'")
    return inst


def _decode_operand(env: CheckerEnvironment, symbol: str, offset: int, index: int) -> int:
    region = env.symbol(symbol)
    if region is None:
        raise CheckError(f"Cannot decode unknown symbol '{symbol}'")
    inst = _decode(env, symbol, region.content, region.address, offset)
    # LLVM keeps the index in an 'unsigned' and prints it with "%i".
    idx = index & 0xFFFFFFFF
    shown = idx - (1 << 32) if idx >= 1 << 31 else idx
    if inst.operands is None:
        raise CheckError(f"Operand layout of instruction '{symbol}' is not known to pyjitlink"
                         f" (only relocatable forms are).\nInstruction is:\n  "
                         f"{inst.describe()}")
    if idx >= len(inst.operands):
        raise CheckError(f"Invalid operand index '{shown}' for instruction '{symbol}'. "
                         f"Instruction has only {len(inst.operands)} operands.\n"
                         f"Instruction is:\n  {inst.describe()}")
    op = inst.operands[idx]
    if not op.is_imm:
        raise CheckError(f"Operand '{shown}' of instruction '{symbol}' is not an immediate.\n"
                         f"Instruction is:\n  {inst.describe()}")
    return op.value & MASK64


# ---------------------------------------------------------------- rules and files


def check_rule(env: CheckerEnvironment, text: str, err: TextIO, where: str = "") -> bool:
    """Evaluate one rule; on failure write LLVM's message (after ``where``) and return False."""
    rule = parse_rule(text)
    values = []
    try:
        for side in (rule.lhs_text, rule.rhs_text):
            values.append(evaluate(env, _parse_side(env, side)))
    except CheckError as e:
        err.write(f"{where}Error evaluating expression '{rule.text}': {e.message}\n")
        return False
    lhs, rhs = values
    if lhs != rhs:
        err.write(f"{where}Expression '{rule.text}' is false: 0x{lhs:x} != 0x{rhs:x}\n")
        return False
    return True


def _parse_side(env: CheckerEnvironment, text: str) -> Expr:
    """Parse a side; on a syntax error, first evaluate what LLVM would have evaluated before it.

    LLVM evaluates while it parses, so in ``foo)`` with no symbol ``foo`` it reports the
    unknown symbol, not the stray parenthesis.
    """
    try:
        return parse_side(text)
    except RuleSyntaxError as syntax:
        memo: dict[int, int] = {}  # a load's address is evaluated once, not per enclosing load
        for node in syntax.evaluated_first:
            if isinstance(node, DecodableSymbol):
                if env.symbol(node.name) is None:
                    raise CheckError(f"Cannot decode unknown symbol '{node.name}'") from None
            else:
                evaluate(env, node, memo)
        raise


def split_rules(text: str, prefix: str) -> tuple[list[tuple[int, str]], int | None]:
    """The rules of a check file as (line, text), and the line of an unfinished continuation.

    Follows RuntimeDyldChecker::checkAllRulesInBuffer: whitespace (blank lines included) is
    skipped between lines; a line ends at '\\r' or '\\n'; a NUL at the start of a line ends the
    file.
    """
    rules: list[tuple[int, str]] = []
    pending = ""
    start_line = 0
    n = len(text)
    pos = 0
    line_no, counted = 1, 0
    while pos < n and text[pos] in _SPACE:
        pos += 1
    while pos < n and text[pos] != "\0":
        end = pos
        while end < n and text[end] not in "\r\n":
            end += 1
        line = text[pos:end]
        line_no += text.count("\n", counted, pos)
        counted = pos
        if line.startswith(prefix):
            if not pending:
                start_line = line_no
            pending += line[len(prefix):]
        if pending:
            if pending[-1] != "\\":
                rules.append((start_line, pending))
                pending = ""
            else:
                pending = pending[:-1]
        pos = end
        while pos < n and text[pos] in _SPACE:
            pos += 1
    return rules, (start_line if pending else None)


def check_text(env: CheckerEnvironment, text: str, check_name: str, err: TextIO,
               path: str = "<input>") -> bool:
    """Check every rule in ``text`` (the contents of ``path``); True if all pass and any exist."""
    prefix = f"# {check_name}:"
    rules, unfinished = split_rules(text, prefix)
    ok = True
    for line, rule in rules:
        ok &= check_rule(env, rule, err, f"{path}:{line}: ")
    if unfinished is not None:
        err.write(f"{path}:{unfinished}: warning: rule continued with '\\' at the end of the "
                  f"file is not checked\n")
    if not rules:
        err.write(f"{path}: no rules found (no line starts with '{prefix}')\n")
        return False
    return ok


def check_file(env: CheckerEnvironment, path: str, check_name: str, err: TextIO,
               read: Callable[[str], bytes] | None = None) -> bool:
    """Check one file; CheckError if it cannot be read. ``read`` gives a file's bytes (the
    tool's reader bounds pipes and devices); by default the file is opened and read."""
    if read is not None:
        data = read(path)
    else:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise CheckError(f"cannot read check file: {e.strerror or e}", path,
                             f"'{path}': {e.strerror or e}") from None
    return check_text(env, data.decode("utf-8", "replace"), check_name, err, path)


def check_files(env: CheckerEnvironment, files: list[str], check_name: str = "jitlink-check",
                err: TextIO | None = None, keep_going: bool = False,
                read: Callable[[str], bytes] | None = None) -> list[str]:
    """Check each file in order; return the failing ones (at most one unless ``keep_going``).

    Messages go to ``err`` (default: sys.stderr); see the module docstring for their format.
    ``read`` is passed to check_file.
    """
    if err is None:
        import sys

        err = sys.stderr
    failed = []
    for path in files:
        if not check_file(env, path, check_name, err, read):
            failed.append(path)
            if not keep_going:
                break
    return failed
