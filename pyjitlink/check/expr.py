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
* Numbers are decimal, ``0x`` hex (lower-case x only) or, with a leading ``0``, octal
  (LLVM's ``getAsInteger(0)``): ``010`` is 8.
* An identifier starts with a letter or ``_`` and continues with ``[0-9A-Za-z:_.$]``; so
  ``.L1`` cannot be named.
* Functions: ``decode_operand(sym[+number], index)``, ``next_pc(sym)``,
  ``stub_addr(file, sym[, kind])``, ``got_addr(file, sym)``, ``section_addr(file, section)``.
  The file name runs to the first ``,`` and a section name to the first ``)``, so they may hold
  characters a symbol may not.

Where LLVM's behaviour is undefined we raise a syntax error instead: load sizes other than 1,
2, 4 and 8 (LLVM accepts 3, 5, 6, 7 and reaches ``llvm_unreachable``), slices with ``hi > 63``
or ``hi < lo`` (LLVM shifts by 64 or more), and numbers that do not fit 64 bits or are not
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


def _number(s: str) -> tuple[int, str]:
    text, rest = _split_number(s)
    if not text or not _is_digit(text[0]):
        raise _unexpected(rest, rest, "expected number")
    return _number_value(text), rest


_BINOPS = {"+", "-", "&", "|"}


def _binop(s: str) -> tuple[str | None, str]:
    """An operator and the rest after it (trimmed), or None and ``s`` unchanged."""
    if s.startswith(("<<", ">>")):
        return s[:2], _ltrim(s[2:])
    if s[:1] in _BINOPS:
        return s[:1], _ltrim(s[1:])
    return None, s


def _open_paren(s: str) -> str:
    if not s.startswith("("):
        raise _unexpected(s, s, "expected '('")
    return _ltrim(s[1:])


def _close_paren(rest: str, sub_expr: str) -> str:
    if not rest.startswith(")"):
        raise _unexpected(rest, sub_expr, "expected ')'")
    return _ltrim(rest[1:])


def _file_name(s: str) -> tuple[str, str]:
    """The text up to the first ',' (a file name may hold any other character), then ','."""
    rest = _open_paren(s)
    comma = rest.find(",")
    if comma < 0:
        name, rest = _rtrim(rest), ""
    else:
        name, rest = _rtrim(rest[:comma]), _ltrim(rest[comma:])
    if not rest.startswith(","):
        raise _unexpected(rest, s, "expected ','")
    return name, _ltrim(rest[1:])


class _Parser:
    """Recursive descent over the remaining text, as LLVM's evaluator walks it.

    ``done`` lists, in the order LLVM would evaluate them, the nodes that can fail to evaluate
    (symbols, function calls, loads) once they are completely parsed; a syntax error carries
    that list so the checker can report an earlier evaluation error first, as LLVM does.
    """

    def __init__(self) -> None:
        self.done: list[Expr | DecodableSymbol] = []

    def _leaf(self, e: Expr) -> Expr:
        self.done.append(e)
        return e

    def expr(self, s: str) -> tuple[Expr, str]:
        lhs, rest = self.simple(s)
        # Fold ``op simple`` pairs onto lhs left to right: every operator binds equally.
        while rest:
            op, after = _binop(rest)
            if op is None:
                break
            rhs, rest = self.simple(after)
            lhs = BinOp(op, lhs, rhs)
        return lhs, rest

    def simple(self, s: str) -> tuple[Expr, str]:
        if not s:
            raise RuleSyntaxError("Unexpected end of expression")
        c = s[0]
        e: Expr
        if c == "(":
            e, rest = self.parens(s)
        elif c == "*":
            e, rest = self.load(s)
        elif _is_alpha(c) or c == "_":
            e, rest = self.identifier(s)
        elif _is_digit(c):
            value, rest = _number(s)
            e = Number(value)
        else:
            raise _unexpected(s, s, "expected '(', '*', identifier, or number")
        if rest.startswith("["):
            e, rest = self.slice(e, rest)
        return e, rest

    def parens(self, s: str) -> tuple[Expr, str]:
        e, rest = self.expr(_ltrim(s[1:]))
        if not rest.startswith(")"):
            raise _unexpected(rest, s, "expected ')'")
        return e, _ltrim(rest[1:])

    def load(self, s: str) -> tuple[Expr, str]:
        rest = _ltrim(s[1:])
        if not rest.startswith("{"):
            raise RuleSyntaxError("Expected '{' following '*'.")
        size, rest = _number(_ltrim(rest[1:]))
        if size not in LOAD_SIZES:
            raise RuleSyntaxError("Invalid size for dereference.")
        if not rest.startswith("}"):
            raise RuleSyntaxError("Missing '}' for dereference.")
        address, rest = self.expr(_ltrim(rest[1:]))
        return self._leaf(Load(size, address)), rest

    def slice(self, e: Expr, s: str) -> tuple[Expr, str]:
        high, rest = _number(_ltrim(s[1:]))
        if not rest.startswith(":"):
            raise _unexpected(rest, rest, "expected ':'")
        low, rest = _number(_ltrim(rest[1:]))
        if not rest.startswith("]"):
            raise _unexpected(rest, rest, "expected ']'")
        # LLVM masks with 1 << (high - low + 1) in 64 bits: any slice at most 64 bits wide
        # whose high bit is at most 64 (e.g. [64:12], the page number) is valid.
        if high > 64 or low > high or high - low + 1 > 64:
            raise RuleSyntaxError(f"Invalid bit-slice [{high}:{low}]")
        return Slice(e, high, low), _ltrim(rest[1:])

    def identifier(self, s: str) -> tuple[Expr, str]:
        name, rest = _split_symbol(s)
        if name == "decode_operand":
            return self.decode_operand(rest)
        if name == "next_pc":
            return self.next_pc(rest)
        if name in ("stub_addr", "got_addr"):
            return self.stub_or_got(rest, name == "stub_addr")
        if name == "section_addr":
            return self.section_addr(rest)
        return self._leaf(Symbol(name)), rest

    def decode_operand(self, s: str) -> tuple[Expr, str]:
        symbol, rest = _split_symbol(_open_paren(s))
        self.done.append(DecodableSymbol(symbol))
        offset = 0
        op, rest = _binop(rest)
        if op == "+":
            if _is_digit(rest[:1]):
                offset, rest = _number(rest)
            else:
                # LLVM ignores this error and goes on with nothing left, which fails on ','.
                rest = ""
        elif op is not None:
            raise _unexpected(rest, rest, "expected '+' for offset or ',' if no offset")
        if not rest.startswith(","):
            raise _unexpected(rest, rest, "expected ','")
        index, rest = _number(_ltrim(rest[1:]))
        rest = _close_paren(rest, rest)
        return self._leaf(DecodeOperand(symbol, offset, index)), rest

    def next_pc(self, s: str) -> tuple[Expr, str]:
        symbol, rest = _split_symbol(_open_paren(s))
        self.done.append(DecodableSymbol(symbol))
        rest = _close_paren(rest, rest)
        return self._leaf(NextPC(symbol)), rest

    def stub_or_got(self, s: str, is_stub: bool) -> tuple[Expr, str]:
        file, rest = _file_name(s)
        symbol, rest = _split_symbol(rest)
        kind = ""
        if rest.startswith(","):
            rest = _ltrim(rest[1:])
            close = rest.find(")")
            kind, rest = (rest, "") if close < 0 else (rest[:close], rest[close:])
        rest = _close_paren(rest, s)
        if is_stub:
            return self._leaf(StubAddr(file, symbol, kind)), rest
        if kind:
            # LLVM asserts "Kind name filter only supported for stubs".
            raise RuleSyntaxError("got_addr takes no stub-kind filter")
        return self._leaf(GOTAddr(file, symbol)), rest

    def section_addr(self, s: str) -> tuple[Expr, str]:
        file, rest = _file_name(s)
        close = rest.find(")")
        if close < 0:
            section, rest = _rtrim(rest), ""
        else:
            section, rest = _rtrim(rest[:close]), _ltrim(rest[close:])
        rest = _close_paren(rest, s)
        return self._leaf(SectionAddr(file, section)), rest


def parse_side(text: str) -> Expr:
    """Parse one side of a rule (as split by ``parse_rule``); raise RuleSyntaxError.

    The error's ``evaluated_first`` lists the nodes LLVM would have evaluated before meeting
    the syntax error (see ``_Parser``).
    """
    parser = _Parser()
    try:
        e, rest = parser.expr(text)
        if rest:
            raise _unexpected(rest, text, "")
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
