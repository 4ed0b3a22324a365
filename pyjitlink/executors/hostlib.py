"""The C library an emulated program calls, in Python, against emulated memory.

Each function is a method declared with ``@libc(names, args, ret)``: ``args`` is a string
of argument kinds (``p`` pointer/size, ``i`` int, ``I`` unsigned, ``l`` long, ``L``
unsigned long, ``d`` double, ``f`` float, ``V`` a ``va_list``, ``.`` the variadic rest)
and ``ret`` the result's kind (``v`` none). The bridge converts arguments by the target's
ABI (for Mach-O code, Apple's arm64 variant: variadic arguments and ``va_list`` on the
stack) and writes the result back. What glibc keeps as data (``stdout``, ``errno``, the ctype
tables, ``optind``, ``__stack_chk_guard``) lives in emulated memory; ``FILE *`` values
point at FILE structures there (with glibc's layout, so its inline macros read sensible
``_flags``), whose buffers and descriptors are Python objects.

Output matches glibc where programs can see it: ``printf``'s formatting (integers by hand;
finite floats by Python's correctly rounded formatting, as glibc's are), stdio buffering
(stdout line-buffered on a terminal, else fully buffered in ``st_blksize`` blocks; stderr
unbuffered; a crash loses what is buffered), ``rand``'s generator, the C locale's ctype
tables, ``qsort``'s stable merge order (glibc 2.36's msort), the default NaN of the target.
"""

from __future__ import annotations

import collections
import contextlib
import math
import os
import re
import struct
import time
from collections.abc import Callable
from typing import Any

from pyjitlink.executors.host_bridge import (
    DOUBLE,
    FLOAT,
    INT,
    LONG,
    PTR,
    SIGABRT,
    SIGSEGV,
    UC_PROT_READ,
    UC_PROT_WRITE,
    UINT,
    ULONG,
    VALIST,
    VARARGS,
    VOID,
    ABI,
    ArgCursor,
    GuestFault,
    HostBridge,
    HostFunction,
    Memory,
    ProgramExit,
    bits_f64,
    f64_bits,
)

MASK64 = (1 << 64) - 1
EOF = -1
EPERM, ENOENT, EBADF, ENOMEM, EINVAL, EDOM, ERANGE = 1, 2, 9, 12, 22, 33, 34
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2
_IOFBF, _IOLBF, _IONBF = 0, 1, 2
BUFSIZ = 8192
FILE_SIZE = 216  # sizeof(FILE) in glibc on LP64 targets
FILE_FLAGS_MAGIC = 0xFBAD0000
IO_EOF_SEEN, IO_ERR_SEEN = 0x10, 0x20
FILE_FILENO = 112  # offsetof(FILE, _fileno)
LONG_MAX, LONG_MIN = (1 << 63) - 1, -(1 << 63)
INT_MAX = (1 << 31) - 1
RAND_MAX = (1 << 31) - 1

_KINDS = {"p": PTR, "i": INT, "I": UINT, "l": LONG, "L": ULONG, "d": DOUBLE, "f": FLOAT,
          "V": VALIST, ".": VARARGS}
_RESULTS = {"p": PTR, "i": INT, "I": UINT, "l": LONG, "L": ULONG, "d": DOUBLE, "f": FLOAT,
            "v": VOID}

# (names, method name, argument kinds, result kind), filled by @libc.
_REGISTRY: list[tuple[tuple[str, ...], str, tuple[str, ...], str]] = []


def libc(names: str, args: str = "", ret: str = "i") -> Callable[[Any], Any]:
    """Declare a method as the C function(s) ``names`` (space-separated aliases)."""
    def declare(method: Any) -> Any:
        _REGISTRY.append((tuple(names.split()), method.__name__,
                          tuple(_KINDS[a] for a in args), _RESULTS[ret]))
        return method
    return declare


def _s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _s64(value: int) -> int:
    value &= MASK64
    return value - (1 << 64) if value >> 63 else value


# ---------------------------------------------------------------------------- printf


_DIRECTIVE = re.compile(
    rb"%(?:(\d+)\$)?([-+ #0']*)(\*(?:\d+\$)?|\d+)?(?:\.(\*(?:\d+\$)?|\d*))?"
    rb"(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcspnmCS%])")
_SIGNED_BITS = {b"hh": 8, b"h": 16, None: 32, b"l": 64, b"ll": 64, b"q": 64, b"j": 64,
                b"z": 64, b"Z": 64, b"t": 64, b"L": 64}


def _pad(body: str, width: int, left: bool) -> str:
    return body.ljust(width) if left else body.rjust(width)


def format_int(value: int, conv: str, flags: str, width: int, precision: int | None) -> str:
    """One integer conversion (d i u o x X) as glibc prints it."""
    negative = value < 0
    magnitude = -value if negative else value
    if conv in "diu":
        digits = str(magnitude)
    elif conv == "o":
        digits = format(magnitude, "o")
    elif conv == "x":
        digits = format(magnitude, "x")
    else:
        digits = format(magnitude, "X")
    if precision is not None:
        digits = "" if precision == 0 and magnitude == 0 else digits.rjust(precision, "0")
    prefix = ""
    if conv in "di":
        prefix = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    if "#" in flags:
        if conv == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif conv in "xX" and magnitude != 0:
            prefix = "0" + conv
    if "-" in flags:
        return (prefix + digits).ljust(width)
    if "0" in flags and precision is None:
        return prefix + digits.rjust(width - len(prefix), "0")
    return (prefix + digits).rjust(width)


def _round_away(negative: bool, last_odd: bool, half: bool, more: bool) -> bool:
    """Round to nearest, ties to even (glibc's round_away under FE_TONEAREST)."""
    return half and (last_odd or more)


def format_hex_float(value: float, conv: str, flags: str, width: int,
                     precision: int | None) -> str:
    """%a / %A as glibc prints a double: 0x1.8p+1, subnormals as 0x0.xxxp-1022."""
    bits = f64_bits(value)
    negative = bool(bits >> 63)
    exponent = (bits >> 52) & 0x7FF
    mantissa = bits & ((1 << 52) - 1)
    if exponent == 0:
        lead, exp = 0, (0 if mantissa == 0 else -1022)
    else:
        lead, exp = 1, exponent - 1023
    digits = format(mantissa, "013x")
    if precision is None:
        digits = digits.rstrip("0")
    elif precision < 13:
        keep = int(digits[:precision], 16) if precision else 0
        rest = digits[precision:]
        half = int(rest[0], 16) >= 8
        more = int(rest, 16) & ((1 << (4 * len(rest) - 1)) - 1) != 0
        last_odd = bool((keep if precision else lead) & 1)
        if _round_away(negative, last_odd, half, more):
            keep += 1
            if precision == 0 or keep >> (4 * precision):
                if precision:
                    keep &= (1 << (4 * precision)) - 1
                lead += 1
        digits = format(keep, f"0{precision}x") if precision else ""
    else:
        digits = digits.ljust(precision, "0")
    sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    point = "." if digits or "#" in flags else ""
    body = f"0x{lead}{point}{digits}p{'+' if exp >= 0 else '-'}{abs(exp)}"
    if conv == "A":
        body = body.upper()
    if "-" in flags:
        return (sign + body).ljust(width)
    if "0" in flags:
        return sign + body[:2] + body[2:].rjust(width - len(sign) - 2, "0")
    return (sign + body).rjust(width)


def format_float(value: float, conv: str, flags: str, width: int,
                 precision: int | None) -> str:
    """One floating conversion (f F e E g G a A) as glibc prints it."""
    if math.isinf(value) or math.isnan(value):
        text = "inf" if math.isinf(value) else "nan"
        if conv in "FEGA":
            text = text.upper()
        negative = math.copysign(1.0, value) < 0
        sign = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
        return _pad(sign + text, width, "-" in flags)
    if conv in "aA":
        return format_hex_float(value, conv, flags, width, precision)
    spec = "%" + "".join(sorted(set(flags) - {"'"}, key="-+ #0".index)) + (
        str(width) if width else "") + "." + str(6 if precision is None else precision) + conv
    return spec % value


class _PositionalArgs(ArgCursor):
    """``%n$`` arguments: read every argument once, in position order, by its type."""

    def __init__(self, values: dict[int, Any]) -> None:
        self.values = values


def format_printf(fmt: bytes, args: ArgCursor, memory: Memory | None,
                  errno_text: Callable[[], str] = lambda: "Success",
                  written: Callable[[int, int, int], None] | None = None) -> bytes:
    """``fmt`` with its conversions applied to ``args``, as glibc's vfprintf formats it.

    Strings and ``%n`` targets are read and written through ``memory``. ``written(address,
    value, size)`` stores a ``%n`` count (None: ``%n`` is ignored).
    """
    if b"%" not in fmt:
        return fmt
    directives = list(_DIRECTIVE.finditer(fmt))
    positional = any(m.group(1) for m in directives)
    if positional:
        args = _read_positional(directives, args)
    out: list[bytes] = []
    length = 0
    last = 0
    for m in directives:
        if m.start() > last:
            out.append(fmt[last:m.start()])
            length += m.start() - last
        last = m.end()
        piece = _convert(m, args, memory, errno_text, positional, length, written)
        out.append(piece)
        length += len(piece)
    out.append(fmt[last:])
    return b"".join(out)


def _conversion_type(conv: str, size: bytes | None) -> str:
    if conv in "diouxXcC" or conv == "%":
        return "int"
    if conv in "eEfFgGaA":
        return "ldouble" if size == b"L" else "double"
    if conv in "spnSC":
        return "int"
    return "none"


def _read_positional(directives: list[re.Match[bytes]], args: ArgCursor) -> ArgCursor:
    types: dict[int, str] = {}
    for m in directives:
        conv = m.group(6).decode()
        if conv in "%m":
            continue
        for star in (m.group(3), m.group(4)):
            if star and star.startswith(b"*") and len(star) > 1:
                types[int(star[1:-1])] = "int"
        types[int(m.group(1))] = _conversion_type(conv, m.group(5))
    values: dict[int, Any] = {}
    for position in range(1, max(types, default=0) + 1):
        kind = types.get(position, "int")
        values[position] = args.double() if kind == "double" else \
            args.long_double() if kind == "ldouble" else args.int()
    return _PositionalArgs(values)


def _convert(m: re.Match[bytes], args: ArgCursor, memory: Memory | None,
             errno_text: Callable[[], str], positional: bool, count: int,
             written: Callable[[int, int, int], None] | None) -> bytes:
    position, flag_bytes, width_text, precision_text, size, conv_byte = m.groups()
    conv = conv_byte.decode()
    if conv == "%":
        return b"%"
    values = args.values if isinstance(args, _PositionalArgs) else None

    def take(kind: str, star: bytes | None = None) -> Any:
        if values is not None:
            index = int(star[1:-1]) if star else int(position)
            return values[index]
        return args.double() if kind == "double" else args.long_double() \
            if kind == "ldouble" else args.int()

    flags = flag_bytes.decode()
    width = 0
    if width_text:
        if width_text.startswith(b"*"):
            width = _s32(take("int", width_text if len(width_text) > 1 else None))
            if width < 0:
                flags += "-"
                width = -width
        else:
            width = int(width_text)
    precision: int | None = None
    if precision_text is not None:
        if precision_text.startswith(b"*"):
            precision = _s32(take("int", precision_text if len(precision_text) > 1 else None))
            if precision < 0:
                precision = None
        else:
            precision = int(precision_text or b"0")
    left = "-" in flags
    if conv in "di":
        bits = _SIGNED_BITS[size]
        value = take("int") & ((1 << bits) - 1)
        if value >> (bits - 1):
            value -= 1 << bits
        return format_int(value, conv, flags, width, precision).encode()
    if conv in "ouxX":
        value = take("int") & ((1 << _SIGNED_BITS[size]) - 1)
        return format_int(value, conv, flags, width, precision).encode()
    if conv in "eEfFgGaA":
        value = take("ldouble" if size == b"L" else "double")
        return format_float(value, conv, flags, width, precision).encode()
    if conv == "c" and size != b"l":
        char = bytes([take("int") & 0xFF])
        return char.rjust(width) if not left else char.ljust(width)
    if conv in "cC":
        code = take("int") & 0xFFFFFFFF
        char = chr(code).encode("utf-8", "replace") if code < 0x110000 else b"?"
        return char.rjust(width) if not left else char.ljust(width)
    if conv == "s" and size != b"l":
        address = take("int")
        if address == 0:
            text = b"(null)" if precision is None or precision >= 6 else b""
        else:
            assert memory is not None
            text = memory.cstring(address, precision)
        return text.ljust(width) if left else text.rjust(width)
    if conv in "sS":
        address = take("int")
        assert memory is not None
        chars: list[bytes] = []
        total = 0
        while address:
            code = memory.u32(address + 4 * len(chars))
            if code == 0:
                break
            piece = chr(code).encode("utf-8", "replace")
            if precision is not None and total + len(piece) > precision:
                break
            chars.append(piece)
            total += len(piece)
        text = b"".join(chars) if address else b"(null)"
        return text.ljust(width) if left else text.rjust(width)
    if conv == "p":
        value = take("int")
        if value == 0:
            return _pad("(nil)", width, left).encode()
        return format_int(value, "x", flags + "#", width, precision).encode()
    if conv == "n":
        address = take("int")
        if written is not None:
            size_bytes = {b"hh": 1, b"h": 2, None: 4}.get(size, 8)
            written(address, count, size_bytes)
        return b""
    if conv == "m":
        return _pad(errno_text(), width, left).encode()
    return m.group(0)


# ---------------------------------------------------------------------------- scanf


_SCAN_DIRECTIVE = re.compile(
    rb"%(\*)?(\d+)?(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcspn%[])")
_SPACE = frozenset(b" \t\n\v\f\r")


class ScanSource:
    """Characters for scanf: ``peek()``/``next()`` give -1 at the end; ``count`` consumed."""

    def __init__(self, getc: Callable[[], int], ungetc: Callable[[int], object]) -> None:
        self.getc = getc
        self.ungetc = ungetc
        self.count = 0

    def peek(self) -> int:
        c = self.getc()
        if c != EOF:
            self.ungetc(c)
        return c

    def next(self) -> int:
        c = self.getc()
        if c != EOF:
            self.count += 1
        return c


class BytesSource(ScanSource):
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.count = 0

    def peek(self) -> int:
        return self.data[self.pos] if self.pos < len(self.data) else EOF

    def next(self) -> int:
        if self.pos < len(self.data):
            self.pos += 1
            self.count += 1
            return self.data[self.pos - 1]
        return EOF


def _scan_set(fmt: bytes, start: int) -> tuple[set[int], bool, int]:
    """Parse a %[...] set beginning after '['; (set, negated, index after ']')."""
    i = start
    negate = i < len(fmt) and fmt[i] == ord("^")
    if negate:
        i += 1
    chars: set[int] = set()
    first = True
    while i < len(fmt) and (fmt[i] != ord("]") or first):
        if i + 2 < len(fmt) and fmt[i + 1] == ord("-") and fmt[i + 2] != ord("]") and \
                fmt[i] <= fmt[i + 2]:
            chars.update(range(fmt[i], fmt[i + 2] + 1))
            i += 3
        else:
            chars.add(fmt[i])
            i += 1
        first = False
    return chars, negate, i + 1


def _take_number(source: ScanSource, width: int, base: int) -> bytes:
    """The longest prefix that is an integer in ``base`` (0: C prefixes), at most ``width``."""
    text = bytearray()

    def room() -> bool:
        return len(text) < width

    c = source.peek()
    if c in (ord("+"), ord("-")) and room():
        text.append(source.next())
        c = source.peek()
    if base in (0, 16) and c == ord("0") and room():
        text.append(source.next())
        c = source.peek()
        if c in (ord("x"), ord("X")) and room():
            text.append(source.next())
            base = 16
        elif base == 0:
            base = 8
    elif base == 0:
        base = 10
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    while room():
        c = source.peek()
        if c == EOF or chr(c).lower() not in digits:
            break
        text.append(source.next())
    return bytes(text)


_FLOAT_CHARS = frozenset(b"0123456789abcdefABCDEFxXpP.+-infINFtyTYN()")


def _take_float(source: ScanSource, width: int) -> bytes:
    """A prefix of the input that strtod can parse (glibc consumes greedily)."""
    text = bytearray()
    while len(text) < width:
        c = source.peek()
        if c == EOF or c not in _FLOAT_CHARS:
            break
        candidate = bytes(text) + bytes([c])
        if not _could_be_float(candidate):
            break
        text.append(source.next())
    return bytes(text)


_FLOAT_PREFIX = re.compile(
    rb"[+-]?(?:0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d*)?|\d*\.?\d*(?:[eE][+-]?\d*)?|"
    rb"[iI](?:[nN](?:[fF](?:[iI](?:[nN](?:[iI](?:[tT](?:[yY])?)?)?)?)?)?)?|"
    rb"[nN](?:[aA](?:[nN])?)?)")


def _could_be_float(text: bytes) -> bool:
    m = _FLOAT_PREFIX.fullmatch(text)
    return m is not None


def scan_format(source: ScanSource, fmt: bytes, args: ArgCursor,
                store: Callable[[int, bytes], None], target_long_double: Callable[[float], bytes]
                ) -> int:
    """scanf's engine: conversions from ``source`` by ``fmt``, stored through ``store``.

    Returns the number of assigned conversions, or EOF if the input ended before the first
    conversion.
    """
    assigned = 0
    i = 0
    converted_any = False
    while i < len(fmt):
        ch = fmt[i]
        if ch in _SPACE:
            while source.peek() in _SPACE:
                source.next()
            i += 1
            continue
        if ch != ord("%"):
            c = source.peek()
            if c == EOF:
                return assigned if converted_any else EOF
            if c != ch:
                return assigned
            source.next()
            i += 1
            continue
        m = _SCAN_DIRECTIVE.match(fmt, i)
        if m is None:
            return assigned
        suppress, width_text, size, conv_byte = m.groups()
        conv = chr(conv_byte[0])
        i = m.end()
        width = int(width_text) if width_text else 0
        if conv == "%":
            while source.peek() in _SPACE:
                source.next()
            if source.peek() != ord("%"):
                return assigned if converted_any or source.peek() != EOF else EOF
            source.next()
            continue
        if conv == "n":
            if not suppress:
                store(args.int(), _int_bytes(source.count, size))
            continue
        if conv not in "c[":
            while source.peek() in _SPACE:
                source.next()
        if source.peek() == EOF:
            return assigned if converted_any else EOF
        if conv in "diouxXp":
            base = {"d": 10, "i": 0, "u": 10, "o": 8, "x": 16, "X": 16, "p": 16}[conv]
            number = _take_number(source, width or 1 << 30, base)
            digits = number.lstrip(b"+-")
            if digits.lower().startswith(b"0x"):
                digits = digits[2:]
                base = 16
            elif base == 0:
                base = 8 if digits.startswith(b"0") and len(digits) > 1 else 10
            if not digits:
                if number.lstrip(b"+-").lower() == b"0x":
                    value = 0  # "0x" with no digits: glibc takes the 0
                else:
                    return assigned
            else:
                value = int(digits, base)
            if number.startswith(b"-"):
                value = -value
            converted_any = True
            if not suppress:
                store(args.int(), _int_bytes(value, b"l" if conv == "p" else size))
                assigned += 1
        elif conv in "eEfFgGaA":
            number = _take_float(source, width or 1 << 30)
            real, used = parse_float(number)
            if used == 0 or used != len(number):
                return assigned
            converted_any = True
            if not suppress:
                if size == b"L":
                    data = target_long_double(real)
                elif size == b"l":
                    data = struct.pack("<d", real)
                else:
                    try:
                        data = struct.pack("<f", real)
                    except OverflowError:
                        data = struct.pack("<f", math.copysign(math.inf, real))
                store(args.int(), data)
                assigned += 1
        elif conv == "s":
            text = bytearray()
            while (not width or len(text) < width):
                c = source.peek()
                if c == EOF or c in _SPACE:
                    break
                text.append(source.next())
            converted_any = True
            if not suppress:
                store(args.int(), bytes(text) + b"\0")
                assigned += 1
        elif conv == "c":
            count = width or 1
            text = bytearray()
            while len(text) < count:
                c = source.next()
                if c == EOF:
                    break
                text.append(c)
            if not text:
                return assigned if converted_any else EOF
            converted_any = True
            if not suppress:
                store(args.int(), bytes(text))
                assigned += 1
        elif conv == "[":
            chars, negate, i = _scan_set(fmt, m.end())
            text = bytearray()
            while not width or len(text) < width:
                c = source.peek()
                if c == EOF or (c in chars) == negate:
                    break
                text.append(source.next())
            if not text:
                return assigned
            converted_any = True
            if not suppress:
                store(args.int(), bytes(text) + b"\0")
                assigned += 1
    return assigned


def _int_bytes(value: int, size: bytes | None) -> bytes:
    nbytes = {b"hh": 1, b"h": 2, None: 4}.get(size, 8)
    return (value & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little")


# ---------------------------------------------------------------------------- strtod/strtol


_HEX_FLOAT = re.compile(rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
                        rb"(?:[pP][+-]?\d+)?")
_DEC_FLOAT = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INF_NAN = re.compile(rb"([+-]?)(inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)", re.IGNORECASE)


def parse_float(text: bytes) -> tuple[float, int]:
    """strtod's parse of ``text`` (no leading space): (value, bytes used; 0 if none)."""
    m = _HEX_FLOAT.match(text)
    if m:
        body = m.group(0)
        if b"p" not in body.lower():
            body += b"p0"
        try:
            return float.fromhex(body.decode()), m.end()
        except OverflowError:
            return (-math.inf if body.startswith(b"-") else math.inf), m.end()
    m = _DEC_FLOAT.match(text)
    if m:
        return float(m.group(0)), m.end()
    m = _INF_NAN.match(text)
    if m:
        value = math.inf if m.group(2)[:1].lower() == b"i" else math.nan
        return (-value if m.group(1) == b"-" else value), m.end()
    return 0.0, 0


def _out_of_range(text: bytes, value: float) -> bool:
    """strtod's ERANGE: a finite number that overflowed, or a nonzero one that underflowed
    to zero or a subnormal."""
    body = text.lstrip(b"+-").lower()
    if body[:1] in (b"i", b"n"):
        return False
    if math.isinf(value):
        return True
    if value != 0.0 and abs(value) >= 2.2250738585072014e-308:
        return False
    mantissa = re.split(rb"[ep]", body[2:] if body.startswith(b"0x") else body)[0]
    return re.search(rb"[1-9a-f]", mantissa) is not None


def parse_integer(text: bytes, base: int) -> tuple[int, int, bool]:
    """strtol's parse: (value with sign, bytes used (0 if no digits), ok base)."""
    if base < 0 or base == 1 or base > 36:
        return 0, 0, False
    i = 0
    while i < len(text) and text[i] in _SPACE:
        i += 1
    negative = False
    if i < len(text) and text[i] in b"+-":
        negative = text[i] == ord("-")
        i += 1
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"

    def is_digit(index: int, b: int) -> bool:
        return index < len(text) and chr(text[index]).lower() in digits[:b]

    if (base in (0, 16)) and i + 1 < len(text) and text[i] == ord("0") and \
            text[i + 1] in b"xX" and is_digit(i + 2, 16):
        i += 2
        base = 16
    elif base == 0:
        base = 8 if i < len(text) and text[i] == ord("0") else 10
    start = i
    while is_digit(i, base):
        i += 1
    if i == start:
        return 0, 0, True
    value = int(text[start:i], base)
    return (-value if negative else value), i, True


# ---------------------------------------------------------------------------- rand


class GlibcRandom:
    """glibc's ``random``/``rand``: the TYPE_3 additive feedback generator (x[i] = x[i-3] +
    x[i-31]), seeded like ``srandom`` (Schrage's 16807 LCG, 310 outputs discarded)."""

    def __init__(self, seed: int = 1) -> None:
        self.seed(seed)

    def seed(self, seed: int) -> None:
        word = _s32(seed) or 1
        state = [word]
        for _ in range(1, 31):
            hi, lo = int(word / 127773), word - int(word / 127773) * 127773
            word = 16807 * lo - 2836 * hi
            if word < 0:
                word += 2147483647
            state.append(word)
        self.r = collections.deque((w & 0xFFFFFFFF for w in state), maxlen=34)
        # r[31..33] as the reference generator's index arithmetic implies
        for _ in range(31, 34):
            self.r.append(self.r[-31])
        for _ in range(310):
            self._next()

    def _next(self) -> int:
        value = (self.r[-31] + self.r[-3]) & 0xFFFFFFFF
        self.r.append(value)
        return value >> 1

    def next(self) -> int:
        return self._next()


# ---------------------------------------------------------------------------- ctype


def _ctype_tables() -> tuple[bytes, bytes, bytes]:
    """glibc's C-locale tables for indices -128..255: classes (u16), tolower, toupper (i32)."""
    upper, lower, alpha, digit, xdigit, space, printable, graph = (
        0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000)
    blank, cntrl, punct, alnum = 0x1, 0x2, 0x4, 0x8
    classes = []
    tolower = []
    toupper = []
    for c in range(-128, 256):
        bits = 0
        if 0 <= c < 128:
            ch = chr(c)
            if c < 32 or c == 127:
                bits |= cntrl
            if ch in " \t\n\v\f\r":
                bits |= space
            if ch in " \t":
                bits |= blank
            if 32 <= c < 127:
                bits |= printable
            if 33 <= c < 127:
                bits |= graph
            if "A" <= ch <= "Z":
                bits |= upper | alpha | alnum
            if "a" <= ch <= "z":
                bits |= lower | alpha | alnum
            if "0" <= ch <= "9":
                bits |= digit | alnum | xdigit
            if ch in "abcdefABCDEF":
                bits |= xdigit
            if 33 <= c < 127 and not ch.isalnum():
                bits |= punct
        classes.append(bits)
        base = c + 256 if -128 <= c < -1 else c
        tolower.append(base + 32 if 65 <= c <= 90 else base)
        toupper.append(base - 32 if 97 <= c <= 122 else base)
    return (struct.pack("<384H", *classes), struct.pack("<384i", *tolower),
            struct.pack("<384i", *toupper))


# ---------------------------------------------------------------------------- streams


class Stream:
    """One ``FILE``: a descriptor, C stdio's buffering, EOF/error flags, pushback."""

    def __init__(self, address: int, fd: int, readable: bool, writable: bool,
                 mode: int, bufsize: int, name: str) -> None:
        self.address = address
        self.fd = fd
        self.readable = readable
        self.writable = writable
        self.mode = mode
        self.bufsize = bufsize
        self.name = name
        self.out = bytearray()
        self.inbuf = b""
        self.inpos = 0
        self.pushback: list[int] = []
        self.eof = False
        self.error = False
        self.closed = False
        self.before_read: Callable[[Stream], None] = lambda s: None

    # output
    def write(self, data: bytes) -> bool:
        if not self.writable or self.closed:
            self.error = True
            return False
        if self.inbuf or self.pushback:
            self._drop_input()
        self.out += data
        if self.mode == _IONBF:
            return self.flush()
        if self.mode == _IOLBF:
            if b"\n" in data or len(self.out) >= self.bufsize:
                return self.flush()
            return True
        if len(self.out) >= self.bufsize:
            cut = len(self.out) - len(self.out) % self.bufsize
            return self._write_out(cut)
        return True

    def _write_out(self, count: int) -> bool:
        view = memoryview(self.out)
        done = 0
        try:
            while done < count:
                done += os.write(self.fd, view[done:count])
        except OSError:
            self.error = True
            view.release()
            del self.out[:done]
            return False
        view.release()
        del self.out[:count]
        return True

    def flush(self) -> bool:
        if self.out:
            return self._write_out(len(self.out))
        return True

    # input
    def _fill(self) -> bool:
        if self.out:
            self.flush()
        self.before_read(self)
        try:
            data = os.read(self.fd, max(self.bufsize, 4096))
        except OSError:
            self.error = True
            return False
        self.inbuf, self.inpos = data, 0
        if not data:
            self.eof = True
            return False
        return True

    def getc(self) -> int:
        if self.pushback:
            return self.pushback.pop()
        if self.inpos >= len(self.inbuf):
            if not self.readable or self.closed:
                self.error = True
                return EOF
            if not self._fill():
                return EOF
        c = self.inbuf[self.inpos]
        self.inpos += 1
        return c

    def ungetc(self, c: int) -> int:
        if c == EOF:
            return EOF
        self.pushback.append(c & 0xFF)
        self.eof = False
        return c & 0xFF

    def read(self, size: int) -> bytes:
        chunks = []
        while size > 0 and self.pushback:
            chunks.append(bytes([self.pushback.pop()]))
            size -= 1
        while size > 0:
            if self.inpos >= len(self.inbuf):
                if not self.readable or self.closed:
                    self.error = True
                    break
                if size >= self.bufsize and not self.out:
                    # A large read goes straight to the descriptor, as glibc's does.
                    try:
                        data = os.read(self.fd, size)
                    except OSError:
                        self.error = True
                        break
                    if not data:
                        self.eof = True
                        break
                    chunks.append(data)
                    size -= len(data)
                    continue
                if not self._fill():
                    break
            piece = self.inbuf[self.inpos:self.inpos + size]
            self.inpos += len(piece)
            size -= len(piece)
            chunks.append(piece)
        return b"".join(chunks)

    def readline(self, limit: int, delimiter: int = 10) -> bytes:
        """Up to ``limit`` bytes, through the first ``delimiter``."""
        chunks = bytearray()
        while len(chunks) < limit:
            if self.pushback:
                c = self.pushback.pop()
                chunks.append(c)
                if c == delimiter:
                    break
                continue
            if self.inpos >= len(self.inbuf):
                if not self.readable or self.closed:
                    self.error = True
                    break
                if not self._fill():
                    break
            end = self.inbuf.find(bytes([delimiter]), self.inpos,
                                  self.inpos + limit - len(chunks))
            if end >= 0:
                chunks += self.inbuf[self.inpos:end + 1]
                self.inpos = end + 1
                break
            take = self.inbuf[self.inpos:self.inpos + limit - len(chunks)]
            chunks += take
            self.inpos += len(take)
        return bytes(chunks)

    def _drop_input(self) -> None:
        unread = len(self.inbuf) - self.inpos + len(self.pushback)
        if unread:
            with contextlib.suppress(OSError):
                os.lseek(self.fd, -unread, SEEK_CUR)
        self.inbuf, self.inpos, self.pushback = b"", 0, []

    # positioning
    def seek(self, offset: int, whence: int) -> int:
        if not self.flush():
            return -1
        if whence == SEEK_CUR:
            offset -= len(self.inbuf) - self.inpos + len(self.pushback)
        self.inbuf, self.inpos, self.pushback = b"", 0, []
        try:
            os.lseek(self.fd, offset, whence)
        except OSError as err:
            return -(err.errno or EINVAL)
        self.eof = False
        return 0

    def tell(self) -> int:
        try:
            position = os.lseek(self.fd, 0, SEEK_CUR)
        except OSError as err:
            return -(err.errno or EINVAL)
        return position - (len(self.inbuf) - self.inpos) - len(self.pushback) + len(self.out)

    def close(self) -> bool:
        ok = self.flush()
        self.closed = True
        try:
            os.close(self.fd)
        except OSError:
            ok = False
        return ok


_OPEN_MODES = {"r": (os.O_RDONLY, True, False), "w": (os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                                                      False, True),
               "a": (os.O_WRONLY | os.O_CREAT | os.O_APPEND, False, True)}


# ---------------------------------------------------------------------------- the heap


class Heap:
    """malloc's memory: chunks with a 16-byte header, best fit from free chunks binned by
    size, neighbours coalesced on free, the rest carved from a top that grows (mapped into
    the emulator in ``grow`` steps) up to ``limit``."""

    HEADER = 16
    MIN_CHUNK = 32

    def __init__(self, memory: Memory, base: int, limit: int, grow: int = 16 << 20) -> None:
        self.memory = memory
        self.base = base
        self.limit = limit
        self.grow = grow
        self.top = base
        self.mapped = base
        self.used: dict[int, int] = {}  # chunk start -> chunk size
        self.free_start: dict[int, int] = {}  # chunk start -> size
        self.free_end: dict[int, int] = {}  # chunk end -> start
        self.bins: dict[int, dict[int, None]] = {}  # size -> starts (insertion-ordered)
        self.sizes: list[int] = []  # sizes with a non-empty bin, sorted

    def _need(self, size: int) -> int:
        return max(self.MIN_CHUNK, (size + self.HEADER + 15) & -16)

    def _bin_add(self, start: int, size: int) -> None:
        self.free_start[start] = size
        self.free_end[start + size] = start
        entries = self.bins.get(size)
        if not entries:
            entries = self.bins[size] = {}
            import bisect

            bisect.insort(self.sizes, size)
        entries[start] = None

    def _bin_remove(self, start: int) -> int:
        size = self.free_start.pop(start)
        del self.free_end[start + size]
        entries = self.bins[size]
        del entries[start]
        if not entries:
            import bisect

            del self.sizes[bisect.bisect_left(self.sizes, size)]
        return size

    def _from_top(self, need: int) -> int | None:
        start = self.top
        if start + need > self.limit:
            return None
        while start + need > self.mapped:
            step = min(self.grow, self.limit - self.mapped)
            self.memory.map(self.mapped, step, UC_PROT_READ | UC_PROT_WRITE)
            self.mapped += step
        self.top = start + need
        return start

    def malloc(self, size: int) -> int:
        if size > self.limit - self.base:
            return 0
        need = self._need(size)
        start: int | None = None
        entries = self.bins.get(need)
        if entries:
            start = next(reversed(entries))  # LIFO, as glibc's tcache
            self._bin_remove(start)
            chunk = need
        else:
            import bisect

            index = bisect.bisect_left(self.sizes, need)
            if index < len(self.sizes):
                chunk = self.sizes[index]
                start = next(iter(self.bins[chunk]))
                self._bin_remove(start)
                if chunk - need >= self.MIN_CHUNK:
                    self._bin_add(start + need, chunk - need)
                    chunk = need
            else:
                start = self._from_top(need)
                chunk = need
                if start is None:
                    return 0
        self.used[start] = chunk
        return start + self.HEADER

    def usable(self, pointer: int) -> int | None:
        chunk = self.used.get(pointer - self.HEADER)
        return None if chunk is None else chunk - self.HEADER

    def free(self, pointer: int) -> bool:
        """Free ``pointer``; False if it is not a live allocation."""
        start = pointer - self.HEADER
        size = self.used.pop(start, None)
        if size is None:
            return False
        before = self.free_end.get(start)
        if before is not None:
            size += self._bin_remove(before)
            start = before
        if start + size in self.free_start:
            size += self._bin_remove(start + size)
        if start + size == self.top:
            self.top = start
        else:
            self._bin_add(start, size)
        return True

    def realloc(self, pointer: int, size: int) -> int:
        start = pointer - self.HEADER
        chunk = self.used[start]
        need = self._need(size)
        if need <= chunk:
            return pointer
        end = start + chunk
        if end == self.top and self._from_top(need - chunk) is not None:
            self.used[start] = need
            return pointer
        following = self.free_start.get(end)
        if following is not None and chunk + following >= need:
            self._bin_remove(end)
            total = chunk + following
            if total - need >= self.MIN_CHUNK:
                self._bin_add(start + need, total - need)
                total = need
            self.used[start] = total
            return pointer
        new = self.malloc(size)
        if new:
            self.memory.move(new, pointer, chunk - self.HEADER)
            self.free(pointer)
        return new


# ---------------------------------------------------------------------------- the library


class HostLib:
    """The C library of one emulated process.

    ``data`` is a (base, size) area for libc's variables; the heap is [heap_base,
    heap_limit). ``terminate(signal, message)`` makes the error that ends the program when
    a function raises a signal (abort, a failed assertion), naming the caller.
    """

    def __init__(self, memory: Memory, abi: ABI, bridge: HostBridge, data: tuple[int, int],
                 heap: tuple[int, int], terminate: Callable[[int, str], GuestFault]) -> None:
        self.memory = memory
        self.abi = abi
        self.bridge = bridge
        self.arch = abi.name
        self.terminate = terminate
        self._data_next, self._data_end = data[0], data[0] + data[1]
        memory.map(data[0], data[1], UC_PROT_READ | UC_PROT_WRITE)
        self.heap = Heap(memory, *heap)
        self.data_symbols: dict[str, int] = {}
        self.streams: dict[int, Stream] = {}
        self.atexit: list[tuple[int, int]] = []  # (function, argument), run last-first
        self.thread_atexit: list[tuple[int, int]] = []  # thread_local destructors, likewise
        self.random = GlibcRandom()
        self.strtok_next = 0
        self.exiting = False
        self.program_name = b""
        self._strings: dict[bytes, int] = {}
        self._env: dict[bytes, int] = {}
        # NaN from an invalid operation (x86's default NaN has the sign bit set, AArch64's not).
        self.default_nan = bits_f64(abi.target.default_nan)
        self._setup_data()
        for names, method, args, ret in _REGISTRY:
            impl = getattr(self, method)
            for name in names:
                bridge.register(HostFunction(name, impl, args, ret))

    # ------------------------------------------------------------------ data

    def alloc_data(self, size: int, align: int = 16) -> int:
        address = (self._data_next + align - 1) & -align
        if address + size > self._data_end:
            raise GuestFault(SIGSEGV, "out of C library data memory")
        self._data_next = address + size
        return address

    def _variable(self, names: str, size: int, value: bytes = b"") -> int:
        address = self.alloc_data(size, 8)
        if value:
            self.memory.buffer[address:address + len(value)] = value
        for name in names.split():
            self.data_symbols[name] = address
        return address

    def static_string(self, text: bytes) -> int:
        """A NUL-terminated copy of ``text`` in the data area (one per distinct text)."""
        address = self._strings.get(text)
        if address is None:
            address = self.alloc_data(len(text) + 1, 1)
            self.memory.buffer[address:address + len(text)] = text
            self._strings[text] = address
        return address

    def _setup_data(self) -> None:
        mem = self.memory
        self.errno_address = self._variable("errno", 8)
        # Thread control block: x86-64 reads the stack canary at %fs:0x28 and the TCB's own
        # address at %fs:0; AArch64's TLS register points at a block too.
        self.tls = self.alloc_data(0x1000, 64)
        self.tls_blocks: dict[int, int] = {}  # TLS module id -> its block (EmulatedTLS)
        canary = 0x2F8A3C5D1E6B4700  # glibc's canaries have a zero low byte
        mem.buffer[self.tls:self.tls + 8] = self.tls.to_bytes(8, "little")
        mem.buffer[self.tls + 0x28:self.tls + 0x30] = canary.to_bytes(8, "little")
        self._variable("__stack_chk_guard", 8, canary.to_bytes(8, "little"))
        self._variable("__pointer_chk_guard", 8, canary.to_bytes(8, "little"))
        self._variable("__dso_handle", 8)
        self._variable("__libc_single_threaded", 8, b"\1")
        classes, lower, upper = _ctype_tables()
        self.ctype_pointers: dict[str, int] = {}
        for name, table, element in (("b", classes, 2), ("tolower", lower, 4),
                                     ("toupper", upper, 4)):
            base = self.alloc_data(len(table), 16)
            mem.buffer[base:base + len(table)] = table
            pointer = self.alloc_data(8, 8)
            mem.buffer[pointer:pointer + 8] = (base + 128 * element).to_bytes(8, "little")
            self.ctype_pointers[name] = pointer
        self.optind = self._variable("optind", 4, (1).to_bytes(4, "little"))
        self.opterr = self._variable("opterr", 4, (1).to_bytes(4, "little"))
        self.optopt = self._variable("optopt", 4, (63).to_bytes(4, "little"))
        self.optarg = self._variable("optarg", 8)
        self._getopt_state: dict[str, int] = {"nextchar": 0, "first": 1, "last": 1, "init": 0}
        self.environ = self._variable("environ __environ _environ", 8)
        self.progname = self._variable("__progname program_invocation_short_name", 8)
        self.progname_full = self._variable("__progname_full program_invocation_name", 8)
        self._variable("signgam", 4)
        self._variable("timezone __timezone", 8)
        self._variable("daylight __daylight", 4)
        self.tzname = self._variable("tzname __tzname", 16)
        self.tm_buffer = self.alloc_data(64, 8)
        self.strerror_buffer = self.alloc_data(1024, 8)
        stdin_tty = os.isatty(0) if self._fd_open(0) else False
        for fd, name, readable, writable in ((0, "stdin", True, False),
                                             (1, "stdout", False, True),
                                             (2, "stderr", False, True)):
            address = self._variable(f"_IO_2_1_{name}_", FILE_SIZE)
            if fd == 2:
                mode, size = _IONBF, 1
            elif self._fd_open(fd) and os.isatty(fd):
                mode, size = _IOLBF, 1024
            else:
                mode, size = _IOFBF, self._blksize(fd)
            stream = Stream(address, fd, readable, writable, mode, size, name)
            self.streams[address] = stream
            self._sync_flags(stream)
            # (macOS headers name the same variables __stdinp, __stdoutp, __stderrp.)
            self._variable(f"{name} __{name}p", 8, address.to_bytes(8, "little"))
            setattr(self, f"{name}_var", self.data_symbols[name])
        stdin = self.streams[self.data_symbols["_IO_2_1_stdin_"]]
        if stdin_tty:
            stdin.mode = _IOLBF
            stdin.before_read = self._flush_line_buffered

    @staticmethod
    def _fd_open(fd: int) -> bool:
        try:
            os.fstat(fd)
            return True
        except OSError:
            return False

    @staticmethod
    def _blksize(fd: int) -> int:
        try:
            return os.fstat(fd).st_blksize or BUFSIZ
        except OSError:
            return BUFSIZ

    def _flush_line_buffered(self, stream: Stream) -> None:
        for other in self.streams.values():
            if other.mode == _IOLBF and other.out:
                other.flush()

    def set_errno(self, value: int) -> None:
        self.memory.buffer[self.errno_address:self.errno_address + 4] = value.to_bytes(
            4, "little")

    def get_errno(self) -> int:
        return self.memory.i32(self.errno_address)

    def setup_process(self, argv0: bytes, envp: int, env: dict[bytes, int]) -> None:
        """What the C runtime knows before main: program name, environment."""
        self.program_name = argv0
        mem = self.memory
        short = argv0.rsplit(b"/", 1)[-1]
        mem.put_u64(self.progname_full, self.static_string(argv0))
        mem.put_u64(self.progname, self.static_string(short))
        mem.put_u64(self.environ, envp)
        self._env = dict(env)

    # ------------------------------------------------------------------ helpers

    def stream(self, address: int) -> Stream:
        stream = self.streams.get(address)
        if stream is None or stream.closed:
            raise GuestFault(SIGSEGV, f"Segmentation fault: invalid FILE pointer {address:#x}"
                                      f" passed to '{self.bridge.current}'")
        return stream

    def _sync_flags(self, stream: Stream) -> None:
        flags = FILE_FLAGS_MAGIC | (IO_EOF_SEEN if stream.eof else 0) | (
            IO_ERR_SEEN if stream.error else 0)
        buf = self.memory.buffer
        buf[stream.address:stream.address + 4] = flags.to_bytes(4, "little")
        buf[stream.address + FILE_FILENO:stream.address + FILE_FILENO + 4] = (
            stream.fd & 0xFFFFFFFF).to_bytes(4, "little")

    def std(self, name: str) -> Stream:
        """The stream the program's ``stdout`` (``stdin``, ``stderr``) variable points at."""
        return self.stream(self.memory.u64(getattr(self, f"{name}_var")))

    def flush_all(self) -> None:
        for stream in reversed(list(self.streams.values())):
            if not stream.closed:
                stream.flush()

    def call(self, function: int, *args: int) -> int:
        return self.bridge.call(function, args)

    def _printf(self, fmt: int, args: ArgCursor) -> bytes:
        return format_printf(self.memory.cstring(fmt), args, self.memory,
                             lambda: os.strerror(self.get_errno()),
                             lambda address, value, size: self.memory.put_int(address, value,
                                                                              size))

    def _output(self, stream: Stream, data: bytes) -> int:
        ok = stream.write(data)
        if stream.error:
            self._sync_flags(stream)
        return len(data) if ok else EOF

    # ------------------------------------------------------------------ stdio: output

    @libc("printf", "p.")
    def printf(self, fmt: int, args: ArgCursor) -> int:
        return self._output(self.std("stdout"), self._printf(fmt, args))

    @libc("__printf_chk", "ip.")
    def printf_chk(self, flag: int, fmt: int, args: ArgCursor) -> int:
        return self.printf(fmt, args)

    @libc("vprintf", "pV")
    def vprintf(self, fmt: int, args: ArgCursor) -> int:
        return self.printf(fmt, args)

    @libc("__vprintf_chk", "ipV")
    def vprintf_chk(self, flag: int, fmt: int, args: ArgCursor) -> int:
        return self.printf(fmt, args)

    @libc("fprintf", "pp.")
    def fprintf(self, stream: int, fmt: int, args: ArgCursor) -> int:
        target = self.stream(stream)
        return self._output(target, self._printf(fmt, args))

    @libc("__fprintf_chk", "pip.")
    def fprintf_chk(self, stream: int, flag: int, fmt: int, args: ArgCursor) -> int:
        return self.fprintf(stream, fmt, args)

    @libc("vfprintf", "ppV")
    def vfprintf(self, stream: int, fmt: int, args: ArgCursor) -> int:
        return self.fprintf(stream, fmt, args)

    @libc("__vfprintf_chk", "pipV")
    def vfprintf_chk(self, stream: int, flag: int, fmt: int, args: ArgCursor) -> int:
        return self.fprintf(stream, fmt, args)

    @libc("dprintf", "ip.")
    def dprintf(self, fd: int, fmt: int, args: ArgCursor) -> int:
        data = self._printf(fmt, args)
        try:
            return os.write(fd, data)
        except OSError as err:
            self.set_errno(err.errno or EBADF)
            return EOF

    @libc("sprintf", "pp.")
    def sprintf(self, buffer: int, fmt: int, args: ArgCursor) -> int:
        data = self._printf(fmt, args)
        self.memory.write(buffer, data + b"\0")
        return len(data)

    @libc("__sprintf_chk", "pipp.")
    def sprintf_chk(self, buffer: int, flag: int, size: int, fmt: int, args: ArgCursor) -> int:
        data = self._printf(fmt, args)
        if len(data) >= size:
            self._fortify_fail("buffer overflow detected")
        self.memory.write(buffer, data + b"\0")
        return len(data)

    @libc("vsprintf", "ppV")
    def vsprintf(self, buffer: int, fmt: int, args: ArgCursor) -> int:
        return self.sprintf(buffer, fmt, args)

    @libc("snprintf", "ppp.")
    def snprintf(self, buffer: int, size: int, fmt: int, args: ArgCursor) -> int:
        data = self._printf(fmt, args)
        if size:
            self.memory.write(buffer, data[:size - 1] + b"\0")
        return len(data)

    @libc("__snprintf_chk", "ppipp.")
    def snprintf_chk(self, buffer: int, size: int, flag: int, slen: int, fmt: int,
                     args: ArgCursor) -> int:
        if size > slen:
            self._fortify_fail("buffer overflow detected")
        return self.snprintf(buffer, size, fmt, args)

    @libc("vsnprintf", "pppV")
    def vsnprintf(self, buffer: int, size: int, fmt: int, args: ArgCursor) -> int:
        return self.snprintf(buffer, size, fmt, args)

    @libc("__vsnprintf_chk", "ppippV")
    def vsnprintf_chk(self, buffer: int, size: int, flag: int, slen: int, fmt: int,
                      args: ArgCursor) -> int:
        return self.snprintf_chk(buffer, size, flag, slen, fmt, args)

    @libc("asprintf", "pp.")
    def asprintf(self, result: int, fmt: int, args: ArgCursor) -> int:
        data = self._printf(fmt, args)
        buffer = self.malloc(len(data) + 1)
        if not buffer:
            return -1
        self.memory.write(buffer, data + b"\0")
        self.memory.put_u64(result, buffer)
        return len(data)

    @libc("vasprintf", "ppV")
    def vasprintf(self, result: int, fmt: int, args: ArgCursor) -> int:
        return self.asprintf(result, fmt, args)

    @libc("puts", "p")
    def puts(self, text: int) -> int:
        line = self.memory.cstring(text) + b"\n"
        return min(INT_MAX, len(line)) if self._output(self.std("stdout"), line) >= 0 else EOF

    @libc("fputs fputs_unlocked", "pp")
    def fputs(self, text: int, stream: int) -> int:
        return 1 if self._output(self.stream(stream), self.memory.cstring(text)) >= 0 else EOF

    @libc("putchar putchar_unlocked", "i")
    def putchar(self, c: int) -> int:
        return c & 0xFF if self._output(self.std("stdout"), bytes([c & 0xFF])) >= 0 else EOF

    @libc("fputc putc _IO_putc fputc_unlocked putc_unlocked", "ip")
    def fputc(self, c: int, stream: int) -> int:
        return c & 0xFF if self._output(self.stream(stream), bytes([c & 0xFF])) >= 0 else EOF

    @libc("__overflow", "pi")
    def overflow(self, stream: int, c: int) -> int:
        return self.fputc(c, stream) if c != EOF else 0

    @libc("fwrite fwrite_unlocked", "pppp", "p")
    def fwrite(self, data: int, size: int, count: int, stream: int) -> int:
        total = size * count
        if total == 0:
            return 0
        ok = self._output(self.stream(stream), self.memory.read(data, total))
        return count if ok >= 0 else 0

    @libc("fflush fflush_unlocked", "p")
    def fflush(self, stream: int) -> int:
        if stream == 0:
            for each in list(self.streams.values()):
                if not each.closed:
                    each.flush()
            return 0
        target = self.stream(stream)
        ok = target.flush()
        self._sync_flags(target)
        return 0 if ok else EOF

    @libc("perror", "p", "v")
    def perror(self, text: int) -> None:
        message = os.strerror(self.get_errno()).encode()
        prefix = self.memory.cstring(text) if text else b""
        line = (prefix + b": " if prefix else b"") + message + b"\n"
        self._output(self.std("stderr"), line)

    @libc("setvbuf", "ppip")
    def setvbuf(self, stream: int, buffer: int, mode: int, size: int) -> int:
        target = self.stream(stream)
        if mode not in (_IOFBF, _IOLBF, _IONBF):
            return EOF
        target.mode = mode
        if mode != _IONBF:
            target.bufsize = size or target.bufsize
        return 0

    @libc("setbuf", "pp", "v")
    def setbuf(self, stream: int, buffer: int) -> None:
        self.setvbuf(stream, buffer, _IOFBF if buffer else _IONBF, BUFSIZ)

    @libc("setlinebuf", "p", "v")
    def setlinebuf(self, stream: int) -> None:
        self.setvbuf(stream, 0, _IOLBF, 0)

    # ------------------------------------------------------------------ stdio: input

    def _getc(self, stream: Stream) -> int:
        c = stream.getc()
        if c == EOF:
            self._sync_flags(stream)
        return c

    @libc("fgetc getc _IO_getc fgetc_unlocked getc_unlocked", "p")
    def fgetc(self, stream: int) -> int:
        return self._getc(self.stream(stream))

    @libc("__uflow", "p")
    def uflow(self, stream: int) -> int:
        return self._getc(self.stream(stream))

    @libc("getchar getchar_unlocked")
    def getchar(self) -> int:
        return self._getc(self.std("stdin"))

    @libc("ungetc", "ip")
    def ungetc(self, c: int, stream: int) -> int:
        target = self.stream(stream)
        result = target.ungetc(c)
        self._sync_flags(target)
        return result

    @libc("fgets fgets_unlocked", "pip", "p")
    def fgets(self, buffer: int, size: int, stream: int) -> int:
        target = self.stream(stream)
        if size <= 0:
            return 0
        line = target.readline(size - 1)
        self._sync_flags(target)
        if not line:
            return 0
        self.memory.write(buffer, line + b"\0")
        return buffer

    @libc("fread fread_unlocked", "pppp", "p")
    def fread(self, buffer: int, size: int, count: int, stream: int) -> int:
        target = self.stream(stream)
        total = size * count
        if total == 0:
            return 0
        self.memory.check(buffer, total, True)
        data = target.read(total)
        self._sync_flags(target)
        self.memory.write(buffer, data)
        return len(data) // size

    @libc("getdelim __getdelim", "ppip", "l")
    def getdelim(self, line: int, n: int, delimiter: int, stream: int) -> int:
        target = self.stream(stream)
        data = target.readline(1 << 40, delimiter & 0xFF)
        self._sync_flags(target)
        if not data:
            return -1
        buffer = self.memory.u64(line)
        capacity = self.memory.u64(n) if buffer else 0
        if capacity < len(data) + 1:
            capacity = max(120, len(data) + 1)
            buffer = self.realloc(buffer, capacity) if buffer else self.malloc(capacity)
            if not buffer:
                self.set_errno(ENOMEM)
                return -1
            self.memory.put_u64(line, buffer)
            self.memory.put_u64(n, capacity)
        self.memory.write(buffer, data + b"\0")
        return len(data)

    @libc("getline", "ppp", "l")
    def getline(self, line: int, n: int, stream: int) -> int:
        return self.getdelim(line, n, 10, stream)

    @libc("feof feof_unlocked", "p")
    def feof(self, stream: int) -> int:
        return int(self.stream(stream).eof)

    @libc("ferror ferror_unlocked", "p")
    def ferror(self, stream: int) -> int:
        return int(self.stream(stream).error)

    @libc("clearerr clearerr_unlocked", "p", "v")
    def clearerr(self, stream: int) -> None:
        target = self.stream(stream)
        target.eof = target.error = False
        self._sync_flags(target)

    @libc("fileno fileno_unlocked", "p")
    def fileno(self, stream: int) -> int:
        return self.stream(stream).fd

    # ------------------------------------------------------------------ stdio: files

    @libc("fopen fopen64", "pp", "p")
    def fopen(self, path: int, mode: int) -> int:
        name = self.memory.cstring(path)
        text = self.memory.cstring(mode).decode("latin-1")
        if not text or text[0] not in _OPEN_MODES:
            self.set_errno(EINVAL)
            return 0
        flags, readable, writable = _OPEN_MODES[text[0]]
        if "+" in text:
            flags = (flags & ~(os.O_RDONLY | os.O_WRONLY)) | os.O_RDWR
            readable = writable = True
        if "x" in text:
            flags |= os.O_EXCL
        if "e" in text:
            flags |= os.O_CLOEXEC
        try:
            fd = os.open(name, flags, 0o666)
        except OSError as err:
            self.set_errno(err.errno or ENOENT)
            return 0
        return self._new_stream(fd, readable, writable, name.decode("latin-1"))

    def _new_stream(self, fd: int, readable: bool, writable: bool, name: str) -> int:
        address = self.malloc(FILE_SIZE)
        if not address:
            os.close(fd)
            self.set_errno(ENOMEM)
            return 0
        self.memory.fill(address, 0, FILE_SIZE)
        mode = _IOLBF if os.isatty(fd) else _IOFBF
        stream = Stream(address, fd, readable, writable, mode, self._blksize(fd), name)
        self.streams[address] = stream
        self._sync_flags(stream)
        return address

    @libc("fdopen", "ip", "p")
    def fdopen(self, fd: int, mode: int) -> int:
        text = self.memory.cstring(mode).decode("latin-1")
        readable = text.startswith("r") or "+" in text
        writable = not text.startswith("r") or "+" in text
        if not self._fd_open(fd):
            self.set_errno(EBADF)
            return 0
        return self._new_stream(fd, readable, writable, f"fd {fd}")

    @libc("tmpfile tmpfile64", "", "p")
    def tmpfile(self) -> int:
        import tempfile

        fd, path = tempfile.mkstemp()
        os.unlink(path)
        return self._new_stream(fd, True, True, "tmpfile")

    @libc("fclose", "p")
    def fclose(self, stream: int) -> int:
        target = self.stream(stream)
        ok = target.close()
        del self.streams[stream]
        if stream >= self.heap.base:
            self.free(stream)
        return 0 if ok else EOF

    @libc("fseek fseeko fseeko64", "plI")
    def fseek(self, stream: int, offset: int, whence: int) -> int:
        target = self.stream(stream)
        result = target.seek(offset, whence)
        self._sync_flags(target)
        if result < 0:
            self.set_errno(-result)
            return -1
        return 0

    @libc("ftell ftello ftello64", "p", "l")
    def ftell(self, stream: int) -> int:
        result = self.stream(stream).tell()
        if result < 0:
            self.set_errno(-result)
            return -1
        return result

    @libc("rewind", "p", "v")
    def rewind(self, stream: int) -> None:
        target = self.stream(stream)
        target.seek(0, SEEK_SET)
        target.error = False
        self._sync_flags(target)

    @libc("remove unlink", "p")
    def remove(self, path: int) -> int:
        try:
            os.remove(self.memory.cstring(path))
        except OSError as err:
            self.set_errno(err.errno or ENOENT)
            return -1
        return 0

    @libc("rename", "pp")
    def rename(self, old: int, new: int) -> int:
        try:
            os.rename(self.memory.cstring(old), self.memory.cstring(new))
        except OSError as err:
            self.set_errno(err.errno or ENOENT)
            return -1
        return 0

    @libc("write", "ipp", "l")
    def write(self, fd: int, buffer: int, size: int) -> int:
        try:
            return os.write(fd, self.memory.read(buffer, size))
        except OSError as err:
            self.set_errno(err.errno or EBADF)
            return -1

    @libc("read", "ipp", "l")
    def read(self, fd: int, buffer: int, size: int) -> int:
        self.memory.check(buffer, size, True)
        try:
            data = os.read(fd, size)
        except OSError as err:
            self.set_errno(err.errno or EBADF)
            return -1
        self.memory.write(buffer, data)
        return len(data)

    @libc("isatty", "i")
    def isatty(self, fd: int) -> int:
        try:
            return int(os.isatty(fd))
        except OSError:
            return 0

    # ------------------------------------------------------------------ scanf

    def _store(self, address: int, data: bytes) -> None:
        self.memory.write(address, data)

    def _scan(self, source: ScanSource, fmt: int, args: ArgCursor) -> int:
        return scan_format(source, self.memory.cstring(fmt), args, self._store,
                           self.abi.long_double_bytes)

    def _stream_source(self, stream: Stream) -> ScanSource:
        return ScanSource(lambda: self._getc(stream), stream.ungetc)

    @libc("sscanf __isoc99_sscanf __isoc23_sscanf", "pp.")
    def sscanf(self, text: int, fmt: int, args: ArgCursor) -> int:
        return self._scan(BytesSource(self.memory.cstring(text)), fmt, args)

    @libc("vsscanf __isoc99_vsscanf __isoc23_vsscanf", "ppV")
    def vsscanf(self, text: int, fmt: int, args: ArgCursor) -> int:
        return self.sscanf(text, fmt, args)

    @libc("fscanf __isoc99_fscanf __isoc23_fscanf", "pp.")
    def fscanf(self, stream: int, fmt: int, args: ArgCursor) -> int:
        return self._scan(self._stream_source(self.stream(stream)), fmt, args)

    @libc("vfscanf __isoc99_vfscanf __isoc23_vfscanf", "ppV")
    def vfscanf(self, stream: int, fmt: int, args: ArgCursor) -> int:
        return self.fscanf(stream, fmt, args)

    @libc("scanf __isoc99_scanf __isoc23_scanf", "p.")
    def scanf(self, fmt: int, args: ArgCursor) -> int:
        return self._scan(self._stream_source(self.std("stdin")), fmt, args)

    @libc("vscanf __isoc99_vscanf __isoc23_vscanf", "pV")
    def vscanf(self, fmt: int, args: ArgCursor) -> int:
        return self.scanf(fmt, args)

    # ------------------------------------------------------------------ memory allocation

    @libc("malloc", "p", "p")
    def malloc(self, size: int) -> int:
        pointer = self.heap.malloc(size)
        if not pointer:
            self.set_errno(ENOMEM)
        return pointer

    @libc("calloc", "pp", "p")
    def calloc(self, count: int, size: int) -> int:
        total = count * size
        if total > MASK64:
            self.set_errno(ENOMEM)
            return 0
        pointer = self.malloc(total)
        if pointer:
            self.memory.buffer[pointer:pointer + total] = bytes(total)
        return pointer

    @libc("realloc", "pp", "p")
    def realloc(self, pointer: int, size: int) -> int:
        if pointer == 0:
            return self.malloc(size)
        if size == 0:
            self.free(pointer)
            return 0
        if self.heap.usable(pointer) is None:
            self._heap_error("realloc(): invalid pointer")
        result = self.heap.realloc(pointer, size)
        if not result:
            self.set_errno(ENOMEM)
        return result

    @libc("reallocarray", "ppp", "p")
    def reallocarray(self, pointer: int, count: int, size: int) -> int:
        if count * size > MASK64:
            self.set_errno(ENOMEM)
            return 0
        return self.realloc(pointer, count * size)

    @libc("free", "p", "v")
    def free(self, pointer: int) -> None:
        if pointer and not self.heap.free(pointer):
            self._heap_error("free(): invalid pointer")

    # ------------------------------------------------------------------ thread-local storage

    @libc("__tls_get_addr", "p", "p")
    def tls_get_addr(self, index: int) -> int:
        """The general/local-dynamic models' lookup ("ELF Handling For Thread-Local Storage"
        4.1): ``index`` points at a tls_index {module id, offset}; the one emulated thread's
        block of that module (``tls_blocks``, filled by EmulatedTLS) plus the offset."""
        module, offset = self.memory.u64(index), self.memory.u64(index + 8)
        block = self.tls_blocks.get(module)
        if block is None:
            raise GuestFault(SIGSEGV, f"__tls_get_addr: no TLS module {module}")
        return (block + offset) & MASK64

    @libc("_tlv_bootstrap", "p", "p")
    def tlv_bootstrap(self, descriptor: int) -> int:
        """Mach-O's thread-local variable getter (dyld's tlv_get_addr) as the platform
        sets descriptors up: {this getter, module id, offset}, so the tls_index after the
        getter's word is what __tls_get_addr takes. Returns the variable's address."""
        return self.tls_get_addr(descriptor + 8)

    @libc("getauxval __getauxval", "p", "p")
    def getauxval(self, kind: int) -> int:
        """No auxiliary vector entries: 0 for every ``kind`` (so libgcc's outline atomics,
        which ask AT_HWCAP for LSE, use the base instructions every AArch64 has), with
        errno ENOENT as glibc sets it for an absent entry."""
        self.set_errno(ENOENT)
        return 0

    @libc("malloc_usable_size", "p", "p")
    def malloc_usable_size(self, pointer: int) -> int:
        return self.heap.usable(pointer) or 0

    @libc("posix_memalign", "ppp")
    def posix_memalign(self, result: int, alignment: int, size: int) -> int:
        pointer = self.aligned_alloc(alignment, size)
        if not pointer:
            return ENOMEM
        self.memory.put_u64(result, pointer)
        return 0

    @libc("aligned_alloc memalign", "pp", "p")
    def aligned_alloc(self, alignment: int, size: int) -> int:
        if alignment <= 16:
            return self.malloc(size)
        # Over-allocate and keep the block whole: the returned pointer is not the block's,
        # so remember it for free().
        raw = self.malloc(size + alignment)
        if not raw:
            return 0
        aligned = (raw + alignment - 1) & -alignment
        if aligned != raw:
            self.heap.used[aligned - Heap.HEADER] = self.heap.used.pop(raw - Heap.HEADER) - (
                aligned - raw)
            # The bytes before ``aligned`` become a separate free chunk.
            self.heap._bin_add(raw - Heap.HEADER, aligned - raw)
        return aligned

    def _heap_error(self, message: str) -> None:
        # glibc prints the message and aborts.
        self._output(self.std("stderr"), message.encode() + b"\n")
        raise self.terminate(SIGABRT, f"Aborted: {message}")

    # ------------------------------------------------------------------ memory and strings

    @libc("memcpy __memcpy_chk memmove __memmove_chk", "ppp", "p")
    def memcpy(self, dst: int, src: int, size: int) -> int:
        if size:
            self.memory.move(dst, src, size)
        return dst

    @libc("mempcpy __mempcpy_chk", "ppp", "p")
    def mempcpy(self, dst: int, src: int, size: int) -> int:
        return self.memcpy(dst, src, size) + size

    @libc("memset __memset_chk", "pip", "p")
    def memset(self, dst: int, value: int, size: int) -> int:
        if size:
            self.memory.fill(dst, value & 0xFF, size)
        return dst

    # __bzero: what LLVM calls for memset(p, 0, n) on x86-64 macOS (glibc exports it too).
    @libc("bzero explicit_bzero __bzero", "pp", "v")
    def bzero(self, dst: int, size: int) -> None:
        self.memset(dst, 0, size)

    @libc("memcmp bcmp", "ppp")
    def memcmp(self, a: int, b: int, size: int) -> int:
        if not size:
            return 0
        return _compare(self.memory.read(a, size), self.memory.read(b, size))

    @libc("memchr", "pip", "p")
    def memchr(self, s: int, c: int, size: int) -> int:
        if not size:
            return 0
        self.memory.check(s, size)
        found = self.memory.buffer.find(bytes([c & 0xFF]), s, s + size)
        return 0 if found < 0 else found

    @libc("memrchr", "pip", "p")
    def memrchr(self, s: int, c: int, size: int) -> int:
        if not size:
            return 0
        self.memory.check(s, size)
        found = self.memory.buffer.rfind(bytes([c & 0xFF]), s, s + size)
        return 0 if found < 0 else found

    @libc("strlen", "p", "p")
    def strlen(self, s: int) -> int:
        return self.memory.strlen(s)

    @libc("strnlen", "pp", "p")
    def strnlen(self, s: int, limit: int) -> int:
        return self.memory.strlen(s, limit)

    @libc("strcmp strcoll", "pp")
    def strcmp(self, a: int, b: int) -> int:
        return _compare(self.memory.cstring(a) + b"\0", self.memory.cstring(b) + b"\0")

    @libc("strncmp", "ppp")
    def strncmp(self, a: int, b: int, limit: int) -> int:
        return _compare(self._bounded(a, limit), self._bounded(b, limit))

    def _bounded(self, s: int, limit: int) -> bytes:
        text = self.memory.cstring(s, limit)
        return text + b"\0" if len(text) < limit else text

    @libc("strcasecmp", "pp")
    def strcasecmp(self, a: int, b: int) -> int:
        return _compare(self.memory.cstring(a).lower() + b"\0",
                        self.memory.cstring(b).lower() + b"\0")

    @libc("strncasecmp", "ppp")
    def strncasecmp(self, a: int, b: int, limit: int) -> int:
        return _compare(self._bounded(a, limit).lower(), self._bounded(b, limit).lower())

    @libc("strcpy __strcpy_chk", "pp", "p")
    def strcpy(self, dst: int, src: int) -> int:
        self.memory.write(dst, self.memory.cstring(src) + b"\0")
        return dst

    @libc("stpcpy __stpcpy_chk", "pp", "p")
    def stpcpy(self, dst: int, src: int) -> int:
        text = self.memory.cstring(src)
        self.memory.write(dst, text + b"\0")
        return dst + len(text)

    @libc("strncpy __strncpy_chk", "ppp", "p")
    def strncpy(self, dst: int, src: int, size: int) -> int:
        text = self.memory.cstring(src, size)
        self.memory.write(dst, text.ljust(size, b"\0"))
        return dst

    @libc("strcat __strcat_chk", "pp", "p")
    def strcat(self, dst: int, src: int) -> int:
        self.memory.write(dst + self.memory.strlen(dst), self.memory.cstring(src) + b"\0")
        return dst

    @libc("strncat __strncat_chk", "ppp", "p")
    def strncat(self, dst: int, src: int, size: int) -> int:
        self.memory.write(dst + self.memory.strlen(dst), self.memory.cstring(src, size) + b"\0")
        return dst

    @libc("strchr index", "pi", "p")
    def strchr(self, s: int, c: int) -> int:
        text = self.memory.cstring(s)
        c &= 0xFF
        if c == 0:
            return s + len(text)
        found = text.find(bytes([c]))
        return 0 if found < 0 else s + found

    @libc("strchrnul", "pi", "p")
    def strchrnul(self, s: int, c: int) -> int:
        text = self.memory.cstring(s)
        found = text.find(bytes([c & 0xFF])) if c & 0xFF else -1
        return s + (len(text) if found < 0 else found)

    @libc("strrchr rindex", "pi", "p")
    def strrchr(self, s: int, c: int) -> int:
        text = self.memory.cstring(s)
        c &= 0xFF
        if c == 0:
            return s + len(text)
        found = text.rfind(bytes([c]))
        return 0 if found < 0 else s + found

    @libc("strstr", "pp", "p")
    def strstr(self, haystack: int, needle: int) -> int:
        found = self.memory.cstring(haystack).find(self.memory.cstring(needle))
        return 0 if found < 0 else haystack + found

    @libc("strcasestr", "pp", "p")
    def strcasestr(self, haystack: int, needle: int) -> int:
        found = self.memory.cstring(haystack).lower().find(self.memory.cstring(needle).lower())
        return 0 if found < 0 else haystack + found

    @libc("strspn", "pp", "p")
    def strspn(self, s: int, accept: int) -> int:
        text, chars = self.memory.cstring(s), set(self.memory.cstring(accept))
        count = 0
        while count < len(text) and text[count] in chars:
            count += 1
        return count

    @libc("strcspn", "pp", "p")
    def strcspn(self, s: int, reject: int) -> int:
        text, chars = self.memory.cstring(s), set(self.memory.cstring(reject))
        count = 0
        while count < len(text) and text[count] not in chars:
            count += 1
        return count

    @libc("strpbrk", "pp", "p")
    def strpbrk(self, s: int, accept: int) -> int:
        count = self.strcspn(s, accept)
        return 0 if self.memory.u8(s + count) == 0 else s + count

    @libc("strdup __strdup", "p", "p")
    def strdup(self, s: int) -> int:
        text = self.memory.cstring(s)
        copy = self.malloc(len(text) + 1)
        if copy:
            self.memory.write(copy, text + b"\0")
        return copy

    @libc("strndup __strndup", "pp", "p")
    def strndup(self, s: int, limit: int) -> int:
        text = self.memory.cstring(s, limit)
        copy = self.malloc(len(text) + 1)
        if copy:
            self.memory.write(copy, text + b"\0")
        return copy

    def _tokenize(self, s: int, delim: int, state: int) -> tuple[int, int]:
        """One strtok step from ``s`` (or ``state`` if s is NULL): (token, new state)."""
        if s == 0:
            s = state
        if s == 0:
            return 0, 0
        s += self.strspn(s, delim)
        if self.memory.u8(s) == 0:
            return 0, 0
        end = s + self.strcspn(s, delim)
        if self.memory.u8(end) == 0:
            return s, 0
        self.memory.write(end, b"\0")
        return s, end + 1

    @libc("strtok", "pp", "p")
    def strtok(self, s: int, delim: int) -> int:
        token, self.strtok_next = self._tokenize(s, delim, self.strtok_next)
        return token

    @libc("strtok_r __strtok_r", "ppp", "p")
    def strtok_r(self, s: int, delim: int, saveptr: int) -> int:
        token, state = self._tokenize(s, delim, self.memory.u64(saveptr) if s == 0 else 0)
        self.memory.put_u64(saveptr, state)
        return token

    @libc("strsep", "pp", "p")
    def strsep(self, pointer: int, delim: int) -> int:
        s = self.memory.u64(pointer)
        if s == 0:
            return 0
        end = s + self.strcspn(s, delim)
        if self.memory.u8(end) == 0:
            self.memory.put_u64(pointer, 0)
        else:
            self.memory.write(end, b"\0")
            self.memory.put_u64(pointer, end + 1)
        return s

    @libc("strerror", "i", "p")
    def strerror(self, errnum: int) -> int:
        return self.static_string(os.strerror(errnum).encode())

    @libc("strerror_r __xpg_strerror_r", "ipp")
    def strerror_r(self, errnum: int, buffer: int, size: int) -> int:
        text = os.strerror(errnum).encode()
        if size:
            self.memory.write(buffer, text[:size - 1] + b"\0")
        return 0

    @libc("strsignal", "i", "p")
    def strsignal(self, signal: int) -> int:
        import signal as signals

        try:
            text = signals.strsignal(signal) or f"Unknown signal {signal}"
        except ValueError:
            text = f"Unknown signal {signal}"
        return self.static_string(text.encode())

    # ------------------------------------------------------------------ ctype

    @libc("__ctype_b_loc", "", "p")
    def ctype_b_loc(self) -> int:
        return self.ctype_pointers["b"]

    @libc("__ctype_tolower_loc", "", "p")
    def ctype_tolower_loc(self) -> int:
        return self.ctype_pointers["tolower"]

    @libc("__ctype_toupper_loc", "", "p")
    def ctype_toupper_loc(self) -> int:
        return self.ctype_pointers["toupper"]

    def _class(self, c: int, mask: int) -> int:
        if not -128 <= c < 256:
            return 0
        table = self.memory.u64(self.ctype_pointers["b"])
        return int(bool(int.from_bytes(self.memory.buffer[table + 2 * c:table + 2 * c + 2],
                                       "little") & mask))

    @libc("isalpha", "i")
    def isalpha(self, c: int) -> int:
        return self._class(c, 0x400)

    @libc("isdigit", "i")
    def isdigit(self, c: int) -> int:
        return self._class(c, 0x800)

    @libc("isalnum", "i")
    def isalnum(self, c: int) -> int:
        return self._class(c, 0x8)

    @libc("isspace", "i")
    def isspace(self, c: int) -> int:
        return self._class(c, 0x2000)

    @libc("isupper", "i")
    def isupper(self, c: int) -> int:
        return self._class(c, 0x100)

    @libc("islower", "i")
    def islower(self, c: int) -> int:
        return self._class(c, 0x200)

    @libc("isxdigit", "i")
    def isxdigit(self, c: int) -> int:
        return self._class(c, 0x1000)

    @libc("isprint", "i")
    def isprint(self, c: int) -> int:
        return self._class(c, 0x4000)

    @libc("isgraph", "i")
    def isgraph(self, c: int) -> int:
        return self._class(c, 0x8000)

    @libc("ispunct", "i")
    def ispunct(self, c: int) -> int:
        return self._class(c, 0x4)

    @libc("iscntrl", "i")
    def iscntrl(self, c: int) -> int:
        return self._class(c, 0x2)

    @libc("isblank", "i")
    def isblank(self, c: int) -> int:
        return self._class(c, 0x1)

    @libc("isascii", "i")
    def isascii(self, c: int) -> int:
        return int(0 <= c < 128)

    @libc("tolower", "i")
    def tolower(self, c: int) -> int:
        return c + 32 if 65 <= c <= 90 else c

    @libc("toupper", "i")
    def toupper(self, c: int) -> int:
        return c - 32 if 97 <= c <= 122 else c

    # ------------------------------------------------------------------ conversions

    def _strtol(self, s: int, end: int, base: int, signed: bool, bits: int) -> int:
        text = self.memory.cstring(s)
        value, used, ok = parse_integer(text, base)
        if not ok:
            self.set_errno(EINVAL)
            if end:
                self.memory.put_u64(end, s)
            return 0
        if end:
            self.memory.put_u64(end, s + used)
        if signed:
            low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
            if value < low or value > high:
                self.set_errno(ERANGE)
                return low if value < 0 else high
            return value
        magnitude = abs(value)
        if magnitude >= 1 << bits:
            self.set_errno(ERANGE)
            return (1 << bits) - 1
        return value & ((1 << bits) - 1)

    @libc("strtol strtoll strtoimax __isoc23_strtol __isoc23_strtoll", "ppi", "l")
    def strtol(self, s: int, end: int, base: int) -> int:
        return self._strtol(s, end, base, True, 64)

    @libc("strtoul strtoull strtoumax __isoc23_strtoul __isoc23_strtoull", "ppi", "L")
    def strtoul(self, s: int, end: int, base: int) -> int:
        return self._strtol(s, end, base, False, 64)

    @libc("atoi", "p")
    def atoi(self, s: int) -> int:
        return _s32(parse_integer(self.memory.cstring(s), 10)[0])

    @libc("atol atoll", "p", "l")
    def atol(self, s: int) -> int:
        return _s64(parse_integer(self.memory.cstring(s), 10)[0])

    def _strtod(self, s: int, end: int) -> float:
        text = self.memory.cstring(s)
        stripped = text.lstrip(b" \t\n\v\f\r")
        value, used = parse_float(stripped)
        if end:
            self.memory.put_u64(end, s + (len(text) - len(stripped) + used if used else 0))
        if used and _out_of_range(stripped[:used], value):
            self.set_errno(ERANGE)
        return value

    @libc("strtod __isoc23_strtod", "pp", "d")
    def strtod(self, s: int, end: int) -> float:
        return self._strtod(s, end)

    @libc("strtof", "pp", "f")
    def strtof(self, s: int, end: int) -> float:
        return self._strtod(s, end)

    @libc("atof", "p", "d")
    def atof(self, s: int) -> float:
        return self._strtod(s, 0)

    @libc("abs", "i")
    def abs_(self, value: int) -> int:
        return _s32(abs(value))

    @libc("labs llabs imaxabs", "l", "l")
    def labs(self, value: int) -> int:
        return _s64(abs(value))

    @libc("div", "ii", "l")
    def div(self, a: int, b: int) -> int:
        # div_t {int quot; int rem;} is returned in one register on both targets.
        if b == 0:
            raise self.terminate(8, "Floating point exception: integer division by zero")
        quot = int(a / b)
        return (quot & 0xFFFFFFFF) | ((a - quot * b) & 0xFFFFFFFF) << 32

    # ------------------------------------------------------------------ sorting, searching

    def _compare_with(self, function: int, *extra: int) -> Callable[[int, int], int]:
        bridge = self.bridge

        def compare(a: int, b: int) -> int:
            return _s32(bridge.call(function, (a, b, *extra)))
        return compare

    def _qsort(self, base: int, count: int, size: int, compare: Callable[[int, int], int]
               ) -> None:
        """glibc 2.36's qsort: its top-down merge sort (msort_with_tmp), so the comparator
        sees the same pairs in the same order (and at the same places) as under glibc.

        Elements of up to 32 bytes are merged in place, the array rewritten after each
        merge; larger ones are sorted indirectly, by pointer (the comparator sees them
        where they started), and permuted at the end.
        """
        if count < 2 or size == 0:
            return
        mem = self.memory
        data = mem.read(base, count * size)
        mem.check(base, count * size, True)
        direct = size <= 32
        order = list(range(count))  # order[k]: the original index of the element at k

        def merge_sort(first: int, n: int) -> None:
            if n <= 1:
                return
            n1 = n // 2
            merge_sort(first, n1)
            merge_sort(first + n1, n - n1)
            i, j, end1, end2 = first, first + n1, first + n1, first + n
            merged = []
            while i < end1 and j < end2:
                if direct:
                    a, b = base + i * size, base + j * size
                else:
                    a, b = base + order[i] * size, base + order[j] * size
                if compare(a, b) <= 0:
                    merged.append(order[i])
                    i += 1
                else:
                    merged.append(order[j])
                    j += 1
            merged.extend(order[i:end1])
            order[first:first + len(merged)] = merged
            if direct:
                mem.buffer[base + first * size:base + (first + len(merged)) * size] = \
                    b"".join(data[k * size:(k + 1) * size] for k in merged)

        merge_sort(0, count)
        if not direct:
            mem.write(base, b"".join(data[k * size:(k + 1) * size] for k in order))

    @libc("qsort", "pppp", "v")
    def qsort(self, base: int, count: int, size: int, function: int) -> None:
        self._qsort(base, count, size, self._compare_with(function))

    @libc("qsort_r", "ppppp", "v")
    def qsort_r(self, base: int, count: int, size: int, function: int, arg: int) -> None:
        self._qsort(base, count, size, self._compare_with(function, arg))

    @libc("bsearch", "ppppp", "p")
    def bsearch(self, key: int, base: int, count: int, size: int, function: int) -> int:
        compare = self._compare_with(function)
        low, high = 0, count
        while low < high:
            middle = (low + high) // 2
            element = base + middle * size
            result = compare(key, element)
            if result < 0:
                high = middle
            elif result > 0:
                low = middle + 1
            else:
                return element
        return 0

    # ------------------------------------------------------------------ process

    @libc("exit", "i", "v")
    def exit(self, status: int) -> None:
        self.run_exit_handlers()
        self.flush_all()
        raise ProgramExit(status)

    def run_exit_handlers(self) -> None:
        """Every atexit handler and finalizer, last registered first (each runs once)."""
        self.exiting = True
        # The thread's thread_local destructors first, as glibc's exit calls __call_tls_dtors
        # before the atexit handlers.
        while self.thread_atexit:
            function, argument = self.thread_atexit.pop()
            self.bridge.call(function, (argument,))
        while self.atexit:
            function, argument = self.atexit.pop()
            self.bridge.call(function, (argument,))

    @libc("_exit _Exit", "i", "v")
    def exit_now(self, status: int) -> None:
        raise ProgramExit(status)

    @libc("quick_exit", "i", "v")
    def quick_exit(self, status: int) -> None:
        self.flush_all()
        raise ProgramExit(status)

    @libc("atexit", "p")
    def atexit_(self, function: int) -> int:
        self.atexit.append((function, 0))
        return 0

    @libc("__cxa_atexit", "ppp")
    def cxa_atexit(self, function: int, argument: int, dso: int) -> int:
        self.atexit.append((function, argument))
        return 0

    @libc("__cxa_thread_atexit_impl", "ppp")
    def cxa_thread_atexit_impl(self, function: int, argument: int, dso: int) -> int:
        """A thread_local's destructor, run when the (one) thread ends: at exit, before the
        atexit handlers (glibc's __call_tls_dtors)."""
        self.thread_atexit.append((function, argument))
        return 0

    @libc("_tlv_atexit", "pp")
    def tlv_atexit(self, function: int, argument: int) -> int:
        """Darwin's __cxa_thread_atexit_impl (Mach-O C++ thread_local destructors)."""
        return self.cxa_thread_atexit_impl(function, argument, 0)

    @libc("at_quick_exit __cxa_at_quick_exit", "p")
    def at_quick_exit(self, function: int) -> int:
        return 0

    @libc("__cxa_finalize", "p", "v")
    def cxa_finalize(self, dso: int) -> None:
        pass

    @libc("abort", "", "v")
    def abort(self) -> None:
        raise self.terminate(SIGABRT, "Aborted")

    @libc("raise", "i")
    def raise_(self, signal: int) -> int:
        if signal in (13, 17, 23, 28):  # SIGPIPE... default-ignored or harmless here
            return 0
        raise self.terminate(signal, f"killed by signal {signal}")

    @libc("signal sigaction sigemptyset sigfillset sigaddset sigprocmask", "pp", "p")
    def signal(self, signal: int, handler: int) -> int:
        return 0  # handlers are accepted and never called: nothing raises signals here

    @libc("__stack_chk_fail __stack_chk_fail_local", "", "v")
    def stack_chk_fail(self) -> None:
        self._fortify_fail("stack smashing detected")

    @libc("__chk_fail", "", "v")
    def chk_fail(self) -> None:
        self._fortify_fail("buffer overflow detected")

    def _fortify_fail(self, message: str) -> None:
        os.write(2, f"*** {message} ***: terminated\n".encode())
        raise self.terminate(SIGABRT, f"Aborted: {message}")

    @libc("__assert_fail", "ppIp", "v")
    def assert_fail(self, assertion: int, file: int, line: int, function: int) -> None:
        name = self.program_name.rsplit(b"/", 1)[-1]
        text = (name + b": " if name else b"") + self.memory.cstring(file) + b":" + \
            str(line).encode() + b": " + (self.memory.cstring(function) + b": " if function
                                          else b"") + b"Assertion `" + \
            self.memory.cstring(assertion) + b"' failed.\n"
        self._output(self.std("stderr"), text)
        raise self.terminate(SIGABRT, "Aborted: assertion failed")

    @libc("__assert_rtn", "ppIp", "v")
    def assert_rtn(self, function: int, file: int, line: int, assertion: int) -> None:
        """macOS's assert(): glibc's __assert_fail with the arguments in another order."""
        self.assert_fail(assertion, file, line, function)

    @libc("__errno_location __error", "", "p")
    def errno_location(self) -> int:
        """``&errno`` (``__error`` is macOS's name for it)."""
        return self.errno_address

    @libc("__chkstk_darwin", "", "v")
    def chkstk_darwin(self) -> None:
        """macOS's stack probe before a large frame: emulated stacks are mapped whole, so
        there is nothing to touch."""

    @libc("getpid", "", "i")
    def getpid(self) -> int:
        return os.getpid()

    @libc("getenv secure_getenv", "p", "p")
    def getenv(self, name: int) -> int:
        key = self.memory.cstring(name)
        entry = self._env.get(key)
        return entry + len(key) + 1 if entry is not None else 0

    @libc("setenv", "ppi")
    def setenv(self, name: int, value: int, overwrite: int) -> int:
        key = self.memory.cstring(name)
        if not key or b"=" in key:
            self.set_errno(EINVAL)
            return -1
        if key in self._env and not overwrite:
            return 0
        entry = key + b"=" + self.memory.cstring(value)
        address = self.malloc(len(entry) + 1)
        self.memory.write(address, entry + b"\0")
        self._env[key] = address
        return 0

    @libc("unsetenv", "p")
    def unsetenv(self, name: int) -> int:
        self._env.pop(self.memory.cstring(name), None)
        return 0

    @libc("rand", "")
    def rand(self) -> int:
        return self.random.next()

    @libc("random", "", "l")
    def random_(self) -> int:
        return self.random.next()

    @libc("srand srandom", "I", "v")
    def srand(self, seed: int) -> None:
        self.random.seed(seed)

    # ------------------------------------------------------------------ setjmp

    @libc("setjmp _setjmp", "p", "v")
    def setjmp(self, env: int) -> None:
        self.abi.setjmp(env)
        self.abi.set_int(0)

    @libc("__sigsetjmp sigsetjmp", "pi", "v")
    def sigsetjmp(self, env: int, savemask: int) -> None:
        self.setjmp(env)

    @libc("longjmp _longjmp siglongjmp __longjmp_chk", "pi", "v")
    def longjmp(self, env: int, value: int) -> None:
        self.abi.longjmp(env, value)

    # ------------------------------------------------------------------ time

    @libc("time", "p", "l")
    def time_(self, result: int) -> int:
        now = int(time.time())
        if result:
            self.memory.put_u64(result, now)
        return now

    @libc("clock", "", "l")
    def clock(self) -> int:
        return int(time.process_time() * 1_000_000)

    @libc("gettimeofday", "pp")
    def gettimeofday(self, tv: int, tz: int) -> int:
        now = time.time_ns()
        if tv:
            self.memory.write(tv, struct.pack("<qq", now // 10**9, now % 10**9 // 1000))
        return 0

    @libc("clock_gettime", "ip")
    def clock_gettime(self, clock: int, ts: int) -> int:
        try:
            now = time.clock_gettime_ns(clock)
        except OSError:
            self.set_errno(EINVAL)
            return -1
        self.memory.write(ts, struct.pack("<qq", now // 10**9, now % 10**9))
        return 0

    @libc("difftime", "ll", "d")
    def difftime(self, end: int, start: int) -> float:
        return float(end - start)

    def _write_tm(self, address: int, tm: time.struct_time) -> int:
        zone = self.static_string((tm.tm_zone or "GMT").encode())
        self.memory.write(address, struct.pack(
            "<9iqQ", tm.tm_sec, tm.tm_min, tm.tm_hour, tm.tm_mday, tm.tm_mon - 1,
            tm.tm_year - 1900, (tm.tm_wday + 1) % 7, tm.tm_yday - 1, tm.tm_isdst,
            tm.tm_gmtoff or 0, zone))
        return address

    def _read_tm(self, address: int) -> time.struct_time:
        sec, minute, hour, mday, mon, year, wday, yday, isdst = struct.unpack(
            "<9i", self.memory.read(address, 36))
        return time.struct_time((year + 1900, mon + 1, mday, hour, minute, sec, (wday - 1) % 7,
                                 yday + 1, isdst))

    @libc("localtime", "p", "p")
    def localtime(self, t: int) -> int:
        return self._write_tm(self.tm_buffer, time.localtime(_s64(self.memory.u64(t))))

    @libc("gmtime", "p", "p")
    def gmtime(self, t: int) -> int:
        return self._write_tm(self.tm_buffer, time.gmtime(_s64(self.memory.u64(t))))

    @libc("localtime_r", "pp", "p")
    def localtime_r(self, t: int, result: int) -> int:
        return self._write_tm(result, time.localtime(_s64(self.memory.u64(t))))

    @libc("gmtime_r", "pp", "p")
    def gmtime_r(self, t: int, result: int) -> int:
        return self._write_tm(result, time.gmtime(_s64(self.memory.u64(t))))

    @libc("mktime", "p", "l")
    def mktime(self, tm: int) -> int:
        try:
            value = int(time.mktime(self._read_tm(tm)))
        except (OverflowError, ValueError):
            return -1
        self._write_tm(tm, time.localtime(value))
        return value

    @libc("strftime", "pppp", "p")
    def strftime(self, buffer: int, size: int, fmt: int, tm: int) -> int:
        try:
            text = time.strftime(self.memory.cstring(fmt).decode("latin-1"),
                                 self._read_tm(tm)).encode("latin-1", "replace")
        except ValueError:
            return 0
        if len(text) + 1 > size:
            return 0
        self.memory.write(buffer, text + b"\0")
        return len(text)

    @libc("sleep", "I", "I")
    def sleep(self, seconds: int) -> int:
        time.sleep(seconds)
        return 0

    @libc("usleep", "I")
    def usleep(self, microseconds: int) -> int:
        time.sleep(microseconds / 1e6)
        return 0

    @libc("nanosleep", "pp")
    def nanosleep(self, request: int, remaining: int) -> int:
        seconds, nanoseconds = struct.unpack("<qq", self.memory.read(request, 16))
        time.sleep(seconds + nanoseconds / 1e9)
        return 0

    # ------------------------------------------------------------------ getopt

    @libc("getopt", "ipp")
    def getopt(self, argc: int, argv: int, optstring: int) -> int:
        """GNU getopt for short options, argument permutation included (glibc's algorithm)."""
        mem = self.memory
        state = self._getopt_state
        spec = mem.cstring(optstring)
        ordering = "permute"
        if spec[:1] == b"-":
            ordering, spec = "in_order", spec[1:]
        elif spec[:1] == b"+" or self._env.get(b"POSIXLY_CORRECT") is not None:
            ordering = "require"
            spec = spec[1:] if spec[:1] == b"+" else spec
        silent = spec[:1] == b":"
        optind = mem.i32(self.optind)
        mem.put_u64(self.optarg, 0)
        if optind == 0 or not state["init"]:
            if optind == 0:
                optind = 1
            state.update(first=optind, last=optind, nextchar=0, init=1)

        def arg(i: int) -> int:
            return mem.u64(argv + 8 * i)

        def nonoption(i: int) -> bool:
            s = arg(i)
            return mem.u8(s) != ord("-") or mem.u8(s + 1) == 0

        def exchange() -> None:
            first, last = state["first"], state["last"]
            pointers = [arg(i) for i in range(first, optind)]
            nonopts, opts = pointers[:last - first], pointers[last - first:]
            for i, value in enumerate(opts + nonopts):
                mem.put_u64(argv + 8 * (first + i), value)
            state["first"] = first + len(opts)
            state["last"] = optind

        nextchar = state["nextchar"]
        if nextchar == 0 or mem.u8(nextchar) == 0:
            if state["last"] > optind:
                state["last"] = optind
            if state["first"] > optind:
                state["first"] = optind
            if ordering == "permute":
                if state["first"] != state["last"] and state["last"] != optind:
                    exchange()
                elif state["last"] != optind:
                    state["first"] = optind
                while optind < argc and nonoption(optind):
                    optind += 1
                state["last"] = optind
            if optind != argc and mem.cstring(arg(optind)) == b"--":
                optind += 1
                if state["first"] != state["last"] and state["last"] != optind:
                    exchange()
                elif state["first"] == state["last"]:
                    state["first"] = optind
                state["last"] = argc
                optind = argc
            if optind == argc:
                if state["first"] != state["last"]:
                    optind = state["first"]
                mem.put_u32(self.optind, optind)
                return -1
            if nonoption(optind):
                if ordering == "require":
                    mem.put_u32(self.optind, optind)
                    return -1
                mem.put_u64(self.optarg, arg(optind))
                mem.put_u32(self.optind, optind + 1)
                return 1
            nextchar = arg(optind) + 1
        c = mem.u8(nextchar)
        nextchar += 1
        at = spec.find(bytes([c])) if c not in (ord(":"), ord(";")) else -1
        if mem.u8(nextchar) == 0:
            optind += 1
        result = c
        if at < 0:
            if mem.i32(self.opterr) and not silent:
                self._output(self.std("stderr"), self.program_name + b": invalid option -- '" +
                             bytes([c]) + b"'\n")
            mem.put_u32(self.optopt, c)
            result = ord("?")
        elif spec[at + 1:at + 2] == b":":
            if spec[at + 2:at + 3] == b":":
                if mem.u8(nextchar) != 0:
                    mem.put_u64(self.optarg, nextchar)
                    optind += 1
                nextchar = 0
            else:
                if mem.u8(nextchar) != 0:
                    mem.put_u64(self.optarg, nextchar)
                    optind += 1
                elif optind == argc:
                    if mem.i32(self.opterr) and not silent:
                        self._output(self.std("stderr"), self.program_name +
                                     b": option requires an argument -- '" + bytes([c]) +
                                     b"'\n")
                    mem.put_u32(self.optopt, c)
                    result = ord(":") if silent else ord("?")
                else:
                    mem.put_u64(self.optarg, arg(optind))
                    optind += 1
                nextchar = 0
        state["nextchar"] = nextchar
        mem.put_u32(self.optind, optind)
        return result

    # ------------------------------------------------------------------ math

    def _math(self, function: Callable[..., float], *args: float) -> float:
        try:
            return function(*args)
        except ValueError:
            self.set_errno(EDOM)
            return self.default_nan if function not in _QUIET_NAN else math.nan
        except OverflowError:
            self.set_errno(ERANGE)
            return math.inf

    def _log(self, function: Callable[[float], float], x: float) -> float:
        if x == 0:
            self.set_errno(ERANGE)
            return -math.inf
        if x < 0:
            self.set_errno(EDOM)
            return self.default_nan if function not in _QUIET_NAN else math.nan
        return function(x)

    @libc("sqrt", "d", "d")
    def sqrt(self, x: float) -> float:
        return self._math(math.sqrt, x)

    @libc("sin", "d", "d")
    def sin(self, x: float) -> float:
        return self._math(math.sin, x)

    @libc("cos", "d", "d")
    def cos(self, x: float) -> float:
        return self._math(math.cos, x)

    @libc("tan", "d", "d")
    def tan(self, x: float) -> float:
        return self._math(math.tan, x)

    @libc("asin", "d", "d")
    def asin(self, x: float) -> float:
        return self._math(math.asin, x)

    @libc("acos", "d", "d")
    def acos(self, x: float) -> float:
        return self._math(math.acos, x)

    @libc("sincos", "dpp", "v")
    def sincos(self, x: float, sin_out: int, cos_out: int) -> None:
        self.memory.write(sin_out, struct.pack("<d", self._math(math.sin, x)))
        self.memory.write(cos_out, struct.pack("<d", self._math(math.cos, x)))

    @libc("sincosf", "fpp", "v")
    def sincosf(self, x: float, sin_out: int, cos_out: int) -> None:
        self.memory.write(sin_out, struct.pack("<f", self._math(math.sin, x)))
        self.memory.write(cos_out, struct.pack("<f", self._math(math.cos, x)))

    @libc("atan", "d", "d")
    def atan(self, x: float) -> float:
        return math.atan(x)

    @libc("atan2", "dd", "d")
    def atan2(self, y: float, x: float) -> float:
        return math.atan2(y, x)

    @libc("sinh", "d", "d")
    def sinh(self, x: float) -> float:
        return self._math(math.sinh, x)

    @libc("cosh", "d", "d")
    def cosh(self, x: float) -> float:
        return self._math(math.cosh, x)

    @libc("tanh", "d", "d")
    def tanh(self, x: float) -> float:
        return math.tanh(x)

    @libc("asinh", "d", "d")
    def asinh(self, x: float) -> float:
        return math.asinh(x)

    @libc("acosh", "d", "d")
    def acosh(self, x: float) -> float:
        return self._math(math.acosh, x)

    @libc("atanh", "d", "d")
    def atanh(self, x: float) -> float:
        if abs(x) == 1:
            self.set_errno(ERANGE)
            return math.copysign(math.inf, x)
        return self._math(math.atanh, x)

    @libc("exp", "d", "d")
    def exp(self, x: float) -> float:
        return self._math(math.exp, x)

    @libc("exp2", "d", "d")
    def exp2(self, x: float) -> float:
        return self._math(lambda v: math.ldexp(1.0, int(v)) if v == int(v) and abs(v) < 2000
                          else 2.0 ** v, x)

    @libc("expm1", "d", "d")
    def expm1(self, x: float) -> float:
        return self._math(math.expm1, x)

    @libc("log", "d", "d")
    def log(self, x: float) -> float:
        return self._log(math.log, x)

    @libc("log2", "d", "d")
    def log2(self, x: float) -> float:
        return self._log(math.log2, x)

    @libc("log10", "d", "d")
    def log10(self, x: float) -> float:
        return self._log(math.log10, x)

    @libc("log1p", "d", "d")
    def log1p(self, x: float) -> float:
        if x == -1:
            self.set_errno(ERANGE)
            return -math.inf
        return self._math(math.log1p, x)

    @libc("pow", "dd", "d")
    def pow(self, x: float, y: float) -> float:
        if x == 0 and y < 0:
            self.set_errno(ERANGE)
            odd = y == int(y) and int(y) % 2 == 1
            return math.copysign(math.inf, x) if odd else math.inf
        return self._math(math.pow, x, y)

    @libc("cbrt", "d", "d")
    def cbrt(self, x: float) -> float:
        return math.cbrt(x) if hasattr(math, "cbrt") else math.copysign(abs(x) ** (1 / 3), x)

    @libc("hypot", "dd", "d")
    def hypot(self, x: float, y: float) -> float:
        return self._math(math.hypot, x, y)

    @libc("floor", "d", "d")
    def floor(self, x: float) -> float:
        return x if math.isinf(x) or math.isnan(x) or x == 0 else math.copysign(
            float(math.floor(x)), x)

    @libc("ceil", "d", "d")
    def ceil(self, x: float) -> float:
        return x if math.isinf(x) or math.isnan(x) or x == 0 else math.copysign(
            float(math.ceil(x)), x)

    @libc("trunc", "d", "d")
    def trunc(self, x: float) -> float:
        return x if math.isinf(x) or math.isnan(x) else math.copysign(float(math.trunc(x)), x)

    @libc("round", "d", "d")
    def round(self, x: float) -> float:
        if math.isinf(x) or math.isnan(x):
            return x
        return math.copysign(float(math.floor(abs(x) + 0.5)) if abs(x) < 2 ** 52 else abs(x),
                             x)

    @libc("lround llround", "d", "l")
    def lround(self, x: float) -> int:
        if math.isinf(x) or math.isnan(x):
            return LONG_MIN
        return int(self.round(x))

    @libc("rint nearbyint", "d", "d")
    def rint(self, x: float) -> float:
        if math.isinf(x) or math.isnan(x):
            return x
        return math.copysign(float(round(x)), x)

    @libc("lrint llrint", "d", "l")
    def lrint(self, x: float) -> int:
        if math.isinf(x) or math.isnan(x):
            return LONG_MIN
        return round(x)

    @libc("fmod", "dd", "d")
    def fmod(self, x: float, y: float) -> float:
        return self._math(math.fmod, x, y)

    @libc("remainder drem", "dd", "d")
    def remainder(self, x: float, y: float) -> float:
        return self._math(math.remainder, x, y)

    @libc("fabs", "d", "d")
    def fabs(self, x: float) -> float:
        return math.fabs(x)

    @libc("ldexp scalbn", "di", "d")
    def ldexp(self, x: float, exponent: int) -> float:
        return self._math(math.ldexp, x, exponent)

    @libc("frexp", "dp", "d")
    def frexp(self, x: float, exponent: int) -> float:
        if math.isinf(x) or math.isnan(x):
            self.memory.put_u32(exponent, 0)
            return x
        mantissa, e = math.frexp(x)
        self.memory.put_u32(exponent, e)
        return mantissa

    @libc("modf", "dp", "d")
    def modf(self, x: float, integral: int) -> float:
        fraction, whole = math.modf(x)
        if math.isinf(x):
            fraction = math.copysign(0.0, x)
        self.memory.write(integral, struct.pack("<d", whole))
        return fraction

    @libc("fmin", "dd", "d")
    def fmin(self, x: float, y: float) -> float:
        return y if math.isnan(x) else x if math.isnan(y) else min(x, y)

    @libc("fmax", "dd", "d")
    def fmax(self, x: float, y: float) -> float:
        return y if math.isnan(x) else x if math.isnan(y) else max(x, y)

    @libc("fdim", "dd", "d")
    def fdim(self, x: float, y: float) -> float:
        return x - y if x > y else 0.0

    @libc("fma", "ddd", "d")
    def fma(self, x: float, y: float, z: float) -> float:
        if hasattr(math, "fma"):
            return math.fma(x, y, z)
        from fractions import Fraction

        return float(Fraction(x) * Fraction(y) + Fraction(z))

    @libc("copysign", "dd", "d")
    def copysign(self, x: float, y: float) -> float:
        return math.copysign(x, y)

    @libc("nan", "p", "d")
    def nan(self, tag: int) -> float:
        return math.nan

    @libc("erf", "d", "d")
    def erf(self, x: float) -> float:
        return math.erf(x)

    @libc("erfc", "d", "d")
    def erfc(self, x: float) -> float:
        return math.erfc(x)

    @libc("tgamma", "d", "d")
    def tgamma(self, x: float) -> float:
        return self._math(math.gamma, x)

    @libc("lgamma", "d", "d")
    def lgamma(self, x: float) -> float:
        if x <= 0 and x == int(x):
            self.set_errno(ERANGE)
            return math.inf
        return self._math(math.lgamma, x)

    @libc("__isnan isnan", "d")
    def isnan(self, x: float) -> int:
        return int(math.isnan(x))

    @libc("__isinf isinf", "d")
    def isinf(self, x: float) -> int:
        return (1 if x > 0 else -1) if math.isinf(x) else 0

    @libc("__finite finite __isfinite", "d")
    def finite(self, x: float) -> int:
        return int(math.isfinite(x))

    @libc("__signbit", "d")
    def signbit(self, x: float) -> int:
        return int(math.copysign(1.0, x) < 0)

    @libc("__fpclassify", "d")
    def fpclassify(self, x: float) -> int:
        # FP_NAN 0, FP_INFINITE 1, FP_ZERO 2, FP_SUBNORMAL 3, FP_NORMAL 4
        if math.isnan(x):
            return 0
        if math.isinf(x):
            return 1
        if x == 0:
            return 2
        return 3 if abs(x) < 2.2250738585072014e-308 else 4

    @libc("__isnanf isnanf", "f")
    def isnanf(self, x: float) -> int:
        return int(math.isnan(x))

    @libc("__isinff isinff", "f")
    def isinff(self, x: float) -> int:
        return self.isinf(x)

    @libc("__finitef finitef", "f")
    def finitef(self, x: float) -> int:
        return int(math.isfinite(x))


# Domain errors of these return glibc's NAN constant (positive), not the result of an invalid
# operation (whose sign is the CPU's: negative on x86): their x86-64 glibc wrappers are the
# SVID-compatible ones (__kernel_standard).
_QUIET_NAN = frozenset({math.acos, math.asin, math.log10, math.gamma})


def _compare(a: bytes, b: bytes) -> int:
    """memcmp/strcmp's result: the difference of the first differing bytes (or 0)."""
    if a == b:
        return 0
    for x, y in zip(a, b):
        if x != y:
            return x - y
    return len(a) - len(b)


# float (single precision) variants of the libm functions: computed in double, rounded.
def _float_variant(name: str, method: str, args: str) -> None:
    def impl(self: HostLib, *values: float) -> float:
        result = getattr(self, method)(*values)
        return result

    impl.__name__ = f"{method}_f"
    setattr(HostLib, impl.__name__, impl)
    _REGISTRY.append(((name,), impl.__name__, tuple(_KINDS[a] for a in args), FLOAT))


_FLOAT_VARIANTS = {
    "f": ("sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
          "acosh", "atanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "cbrt",
          "floor", "ceil", "trunc", "round", "rint", "fabs", "erf", "erfc", "tgamma",
          "lgamma"),
    "ff": ("atan2", "pow", "hypot", "fmod", "remainder", "fmin", "fmax", "fdim", "copysign"),
}
for _args, _names in _FLOAT_VARIANTS.items():
    for _name in _names:
        _float_variant(_name + "f", _name, _args)

__all__ = ["HostLib", "format_printf", "scan_format", "parse_float", "parse_integer",
           "GlibcRandom", "Stream", "Heap"]
