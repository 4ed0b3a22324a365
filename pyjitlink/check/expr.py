"""Parse jitlink-check rules (``LHS = RHS``) into a frozen AST, with RuntimeDyldChecker's grammar.

The grammar is LLVM's (llvm/lib/ExecutionEngine/RuntimeDyld/RuntimeDyldChecker.cpp), quirks
included, because check files are written against it:

* A rule is split at its FIRST ``=``. A rule with no ``=`` at all is compared with itself (LLVM
  takes ``substr(npos + 1)`` as the right side, which wraps to the whole text), so it passes
  unless evaluating it fails.
* A side is a *simple* expression followed by any number of ``op simple`` pairs; the binary
  operators ``+ - & | << >>`` all have EQUAL precedence and associate to the left, so
  ``1+2<<3`` is ``(1+2)<<3``.
* A simple expression is ``( expr )``, a load ``*{N} expr``, an identifier (a symbol or a
  function call) or a number, optionally followed by ONE bit slice ``[hi:lo]``. A slice binds to
  the simple expression just before it: ``foo + 4[3:0]`` slices the ``4``.
* A load's address is a whole expression, so the load is greedy: ``*{4}foo + 4`` reads at
  ``foo + 4`` and ``*{1}foo[7:0]`` reads at ``foo[7:0]``; write ``(*{4}foo) + 4`` to add to the
  loaded value.
* Whitespace is skipped after identifiers, operators and brackets but NOT after a number, so
  ``1 + 2`` is a syntax error ("unexpected token ' '") while ``1+2`` and ``foo + 2`` are fine.
* A slice ``[hi:lo]`` is bits hi..lo of the 64-bit value shifted down (LLVM's mask
  ``(1 << (hi - lo + 1)) - 1``); its bounds are numbers (``[0x40:0xc]`` is ``[64:12]``), ``hi``
  may be 64 (``[64:12]``: bits 63..12, a 4 KiB page number). A 64-bit-wide slice (``[63:0]``,
  ``[64:1]``) keeps all 64 bits, where llvm-jitlink 19 on x86-64 computes ``1 << 64`` as 1 and
  yields 0.
* Numbers are decimal, ``0x`` hex (lower-case x only) or, with a leading ``0``, octal
  (LLVM's ``getAsInteger(0)``): ``010`` is 8.
* An identifier starts with a letter or ``_`` and continues with ``[0-9A-Za-z:_.$]``; so
  ``.L1`` cannot be named.
* Functions: ``decode_operand(sym[+number], index)``, ``next_pc(sym)``,
  ``stub_addr(file, sym[, kind])``, ``got_addr(file, sym)``, ``section_addr(file, section)``.
  The file name runs to the first ``,`` and a section name to the first ``)``, so they may hold
  characters a symbol may not.

Where LLVM's behaviour is undefined we raise a syntax error instead: load sizes other than 1,
2, 4 and 8 (LLVM accepts 3, 5, 6, 7 and reaches ``llvm_unreachable``), slices ``[hi:lo]`` with
``hi > 64``, ``hi < lo`` or more than 64 bits wide (LLVM shifts by 64 or more; llvm-jitlink 19
on x86-64 gives ``x[64:0]`` bit 0 of x), and numbers that do not fit 64 bits or are not
valid in their radix (``09``, ``0x``). Error texts otherwise are LLVM's, e.g. ``Encountered
unexpected token ' ' while parsing subexpression '1 + 2'``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyjitlink.errors import CheckError

__all__ = [
    "BinOp",
    "DecodableSymbol",
    "DecodeOperand",
    "Expr",
    "GOTAddr",
    "Load",
    "NextPC",
    "Number",
    "Rule",
    "RuleSyntaxError",
    "SectionAddr",
    "Slice",
    "StubAddr",
    "Symbol",
    "parse_rule",
    "parse_side",
]

MASK64 = (1 << 64) - 1

# StringRef::ltrim/rtrim's default set; str.strip() would also strip Unicode spaces.
_SPACE = " \t\n\v\f\r"
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SYMBOL_CHARS = frozenset(_DIGITS + _ALPHA + ":_.$")
LOAD_SIZES = (1, 2, 4, 8)


class RuleSyntaxError(CheckError):
    """A rule that does not parse; the message is LLVM's text for the same mistake.

    ``evaluated_first`` holds the nodes completely parsed before the error, in the order LLVM
    (which evaluates while it parses) would have evaluated them; if one of them fails to
    evaluate, LLVM reports that failure instead of this error.
    """

    evaluated_first: tuple[Expr | DecodableSymbol, ...] = ()


# ---------------------------------------------------------------- the AST


@dataclass(frozen=True, slots=True)
class Number:
    """A literal; ``value`` is already reduced to 64 bits."""

    value: int


@dataclass(frozen=True, slots=True)
class Symbol:
    """A symbol's address (its target address, inside or outside a load)."""

    name: str


@dataclass(frozen=True, slots=True)
class BinOp:
    """``lhs op rhs`` with ``op`` one of ``+ - & | << >>``, wrapping at 64 bits."""

    op: str
    lhs: Expr
    rhs: Expr


@dataclass(frozen=True, slots=True)
class Slice:
    """Bits ``high`` down to ``low`` (inclusive) of ``expr``, shifted down to bit 0."""

    expr: Expr
    high: int
    low: int


@dataclass(frozen=True, slots=True)
class Load:
    """``*{size}address``: ``size`` little-endian bytes read from linked memory."""

    size: int
    address: Expr


@dataclass(frozen=True, slots=True)
class DecodeOperand:
    """``decode_operand(symbol + offset, index)``: an immediate operand of an instruction."""

    symbol: str
    offset: int
    index: int


@dataclass(frozen=True, slots=True)
class NextPC:
    """``next_pc(symbol)``: the address just after the instruction at ``symbol``."""

    symbol: str


@dataclass(frozen=True, slots=True)
class StubAddr:
    """``stub_addr(file, symbol[, kind])``; ``kind`` is "" when not given."""

    file: str
    symbol: str
    kind: str


@dataclass(frozen=True, slots=True)
class GOTAddr:
    """``got_addr(file, symbol)``."""

    file: str
    symbol: str


@dataclass(frozen=True, slots=True)
class SectionAddr:
    """``section_addr(file, section)``."""

    file: str
    section: str


@dataclass(frozen=True, slots=True)
class DecodableSymbol:
    """Not an expression: the symbol of ``decode_operand``/``next_pc``, which LLVM looks up as
    soon as it has read it ("Cannot decode unknown symbol"). Only in ``evaluated_first``."""

    name: str


Expr = Number | Symbol | BinOp | Slice | Load | DecodeOperand | NextPC | StubAddr | GOTAddr | \
    SectionAddr


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its text (trimmed, continuation lines joined) and the source text of each side.

    The sides are parsed separately (``parse_side``) so that, as in LLVM, an error in the left
    side is reported before anything on the right is looked at.
    """

    text: str
    lhs_text: str
    rhs_text: str


# ---------------------------------------------------------------- the parser


def _ltrim(s: str) -> str:
    return s.lstrip(_SPACE)


def _rtrim(s: str) -> str:
    return s.rstrip(_SPACE)


def _is_alpha(c: str) -> bool:
    return c in _ALPHA and c != ""


def _is_digit(c: str) -> bool:
    return c in _DIGITS and c != ""


def _split_symbol(s: str) -> tuple[str, str]:
    """The longest prefix of symbol characters, and the rest with leading spaces removed."""
    end = 0
    while end < len(s) and s[end] in _SYMBOL_CHARS:
        end += 1
    return s[:end], _ltrim(s[end:])


def _split_number(s: str) -> tuple[str, str]:
    """The number's text and the rest, NOT trimmed (LLVM's parseNumberString)."""
    if s.startswith("0x"):
        end = 2
        while end < len(s) and s[end] in _HEX_DIGITS:
            end += 1
    else:
        end = 0
        while end < len(s) and s[end] in _DIGITS:
            end += 1
    return s[:end], s[end:]


def _token_for_error(s: str) -> str:
    if not s:
        return ""
    if _is_alpha(s[0]):
        return _split_symbol(s)[0]
    if _is_digit(s[0]):
        return _split_number(s)[0]
    if s.startswith(("<<", ">>")):
        return s[:2]
    return s[:1]


def _unexpected(token_start: str, sub_expr: str, err_text: str) -> RuleSyntaxError:
    msg = "Encountered unexpected token '" + _token_for_error(token_start)
    if sub_expr:
        msg += "' while parsing subexpression '" + sub_expr
    msg += "'"
    if err_text:
        msg += " " + err_text
    return RuleSyntaxError(msg)


def _number_value(text: str) -> int:
    """LLVM's ``StringRef::getAsInteger(0, uint64_t&)`` on a digit string, made total."""
    if text.startswith("0x"):
        digits, radix = text[2:], 16
    elif len(text) > 1 and text[0] == "0":
        digits, radix = text[1:], 8
    else:
        digits, radix = text, 10
    try:
        value = int(digits, radix)
    except ValueError:
        raise RuleSyntaxError(f"Invalid number '{text}'") from None
    if value > MASK64:
        raise RuleSyntaxError(f"Number '{text}' does not fit in 64 bits")
    return value


_BINOPS = {"+", "-", "&", "|"}


class _Parser:
    """LLVM's recursive descent, walked without recursion over positions in one text.

    The text is never sliced while parsing (only to quote it in an error), so a rule of n
    characters parses in O(n) time; nesting (``(``, ``*{N}``) is an explicit stack, so a
    rule nests as deep as it likes without reaching Python's recursion limit.

    ``done`` lists, in the order LLVM would evaluate them, the nodes that can fail to evaluate
    (symbols, function calls, loads) once they are completely parsed; a syntax error carries
    that list so the checker can report an earlier evaluation error first, as LLVM does.
    """

    def __init__(self, text: str) -> None:
        self.t = text
        self.n = len(text)
        self.done: list[Expr | DecodableSymbol] = []

    def _leaf(self, e: Expr) -> Expr:
        self.done.append(e)
        return e

    # ------------------------------------------------------------ lexical helpers

    def ws(self, i: int) -> int:
        t, n = self.t, self.n
        while i < n and t[i] in _SPACE:
            i += 1
        return i

    def symbol(self, i: int) -> tuple[str, int]:
        """The longest run of symbol characters at ``i``, and the position after it and the
        spaces that follow."""
        t, n = self.t, self.n
        end = i
        while end < n and t[end] in _SYMBOL_CHARS:
            end += 1
        return t[i:end], self.ws(end)

    def number(self, i: int) -> tuple[int, int]:
        """A number at ``i`` and the position just after it (spaces are NOT skipped)."""
        t, n = self.t, self.n
        end = i
        if t.startswith("0x", i):
            end = i + 2
            while end < n and t[end] in _HEX_DIGITS:
                end += 1
        else:
            while end < n and t[end] in _DIGITS:
                end += 1
        text = t[i:end]
        if not text or not _is_digit(text[0]):
            raise _unexpected(t[end:], t[end:], "expected number")
        return _number_value(text), end

    def binop(self, i: int) -> tuple[str | None, int]:
        """An operator at ``i`` and the position after it (and its spaces), or None, i."""
        t = self.t
        if t.startswith(("<<", ">>"), i):
            return t[i:i + 2], self.ws(i + 2)
        if i < self.n and t[i] in _BINOPS:
            return t[i], self.ws(i + 1)
        return None, i

    def open_paren(self, i: int) -> int:
        if not self.t.startswith("(", i):
            raise _unexpected(self.t[i:], self.t[i:], "expected '('")
        return self.ws(i + 1)

    def close_paren(self, i: int, sub_expr: int) -> int:
        if not self.t.startswith(")", i):
            raise _unexpected(self.t[i:], self.t[sub_expr:], "expected ')'")
        return self.ws(i + 1)

    def file_name(self, s: int) -> tuple[str, int]:
        """The text up to the first ',' (a file name may hold any other character), then
        the position after the ',' and its spaces."""
        t = self.t
        i = self.open_paren(s)
        comma = t.find(",", i)
        if comma < 0:
            name, i = _rtrim(t[i:]), self.n
        else:
            name, i = _rtrim(t[i:comma]), comma
        if not t.startswith(",", i):
            raise _unexpected(t[i:], t[s:], "expected ','")
        return name, self.ws(i + 1)

    # ------------------------------------------------------------ the grammar

    def expr(self, i: int) -> tuple[Expr, int]:
        """``simple (op simple)*`` at ``i``; a simple may open ``(`` or ``*{N}``, which push
        a frame [kind, lhs, op, start, size] for the inner expression."""
        t, n = self.t, self.n
        stack: list[list] = []
        frame: list = ["top", None, None, i, 0]
        while True:
            # The start of a simple expression: open frames, then an atom.
            while True:
                if i >= n:
                    raise RuleSyntaxError("Unexpected end of expression")
                c = t[i]
                if c == "(":
                    stack.append(frame)
                    frame = ["paren", None, None, i, 0]
                    i = self.ws(i + 1)
                elif c == "*":
                    size, i = self.load_head(i)
                    stack.append(frame)
                    frame = ["load", None, None, i, size]
                else:
                    break
            e, i = self.atom(i)
            # A complete simple expression: slice it, fold it into its frame, and close
            # every frame whose expression ends here.
            while True:
                if t.startswith("[", i):
                    e, i = self.slice(e, i)
                frame[1] = e if frame[1] is None else BinOp(frame[2], frame[1], e)
                op, after = self.binop(i) if i < n else (None, i)
                if op is not None:
                    frame[2] = op
                    i = after
                    break
                kind = frame[0]
                if kind == "top":
                    return frame[1], i
                if kind == "paren":
                    if not t.startswith(")", i):
                        raise _unexpected(t[i:], t[frame[3]:], "expected ')'")
                    e = frame[1]
                    i = self.ws(i + 1)
                else:
                    e = self._leaf(Load(frame[4], frame[1]))
                frame = stack.pop()

    def atom(self, i: int) -> tuple[Expr, int]:
        c = self.t[i]
        if _is_alpha(c) or c == "_":
            return self.identifier(i)
        if _is_digit(c):
            value, i = self.number(i)
            return Number(value), i
        rest = self.t[i:]
        raise _unexpected(rest, rest, "expected '(', '*', identifier, or number")

    def load_head(self, i: int) -> tuple[int, int]:
        """``*{N}``: the size, and the position of the address expression."""
        t = self.t
        i = self.ws(i + 1)
        if not t.startswith("{", i):
            raise RuleSyntaxError("Expected '{' following '*'.")
        size, i = self.number(self.ws(i + 1))
        if size not in LOAD_SIZES:
            raise RuleSyntaxError("Invalid size for dereference.")
        if not t.startswith("}", i):
            raise RuleSyntaxError("Missing '}' for dereference.")
        return size, self.ws(i + 1)

    def slice(self, e: Expr, i: int) -> tuple[Expr, int]:
        t = self.t
        high, i = self.number(self.ws(i + 1))
        if not t.startswith(":", i):
            raise _unexpected(t[i:], t[i:], "expected ':'")
        low, i = self.number(self.ws(i + 1))
        if not t.startswith("]", i):
            raise _unexpected(t[i:], t[i:], "expected ']'")
        # LLVM masks with 1 << (high - low + 1) in 64 bits: any slice at most 64 bits wide
        # whose high bit is at most 64 (e.g. [64:12], the page number) is valid.
        if high > 64 or low > high or high - low + 1 > 64:
            raise RuleSyntaxError(f"Invalid bit-slice [{high}:{low}]")
        return Slice(e, high, low), self.ws(i + 1)

    def identifier(self, i: int) -> tuple[Expr, int]:
        name, i = self.symbol(i)
        if name == "decode_operand":
            return self.decode_operand(i)
        if name == "next_pc":
            return self.next_pc(i)
        if name in ("stub_addr", "got_addr"):
            return self.stub_or_got(i, name == "stub_addr")
        if name == "section_addr":
            return self.section_addr(i)
        return self._leaf(Symbol(name)), i

    def decode_operand(self, i: int) -> tuple[Expr, int]:
        t = self.t
        symbol, i = self.symbol(self.open_paren(i))
        self.done.append(DecodableSymbol(symbol))
        offset = 0
        op, i = self.binop(i)
        if op == "+":
            if _is_digit(t[i:i + 1]):
                offset, i = self.number(i)
            else:
                # LLVM ignores this error and goes on with nothing left, which fails on ','.
                i = self.n
        elif op is not None:
            raise _unexpected(t[i:], t[i:], "expected '+' for offset or ',' if no offset")
        if not t.startswith(",", i):
            raise _unexpected(t[i:], t[i:], "expected ','")
        index, i = self.number(self.ws(i + 1))
        i = self.close_paren(i, i)
        return self._leaf(DecodeOperand(symbol, offset, index)), i

    def next_pc(self, i: int) -> tuple[Expr, int]:
        symbol, i = self.symbol(self.open_paren(i))
        self.done.append(DecodableSymbol(symbol))
        i = self.close_paren(i, i)
        return self._leaf(NextPC(symbol)), i

    def stub_or_got(self, s: int, is_stub: bool) -> tuple[Expr, int]:
        t = self.t
        file, i = self.file_name(s)
        symbol, i = self.symbol(i)
        kind = ""
        if t.startswith(",", i):
            i = self.ws(i + 1)
            close = t.find(")", i)
            if close < 0:
                kind, i = t[i:], self.n
            else:
                kind, i = t[i:close], close
        i = self.close_paren(i, s)
        if is_stub:
            return self._leaf(StubAddr(file, symbol, kind)), i
        if kind:
            # LLVM asserts "Kind name filter only supported for stubs".
            raise RuleSyntaxError("got_addr takes no stub-kind filter")
        return self._leaf(GOTAddr(file, symbol)), i

    def section_addr(self, s: int) -> tuple[Expr, int]:
        t = self.t
        file, i = self.file_name(s)
        close = t.find(")", i)
        if close < 0:
            section, i = _rtrim(t[i:]), self.n
        else:
            section, i = _rtrim(t[i:close]), self.ws(close)
        i = self.close_paren(i, s)
        return self._leaf(SectionAddr(file, section)), i


def parse_side(text: str) -> Expr:
    """Parse one side of a rule (as split by ``parse_rule``); raise RuleSyntaxError.

    The error's ``evaluated_first`` lists the nodes LLVM would have evaluated before meeting
    the syntax error (see ``_Parser``). Time is linear in the text's length, and nesting
    depth is not limited by Python's recursion limit.
    """
    parser = _Parser(text)
    try:
        e, end = parser.expr(0)
        if end < len(text):
            raise _unexpected(text[end:], text, "")
    except RuleSyntaxError as err:
        err.evaluated_first = tuple(parser.done)
        raise
    return e


def parse_rule(text: str) -> Rule:
    """Split a rule at its first ``=`` (a rule without one compares its text with itself)."""
    text = text.strip(_SPACE)
    eq = text.find("=")
    if eq < 0:
        return Rule(text, text, text)
    return Rule(text, _rtrim(text[:eq]), _ltrim(text[eq + 1:]))


def parse(text: str) -> tuple[Expr, Expr]:
    """Parse a whole rule into its two sides (a convenience for tests and tools)."""
    rule = parse_rule(text)
    return parse_side(rule.lhs_text), parse_side(rule.rhs_text)
