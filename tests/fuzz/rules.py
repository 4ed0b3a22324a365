"""Fuzzing jitlink-check rules: mutated rules from tests/lit evaluated against an
environment where every name resolves, so evaluation goes as deep as the rule does.

Mutations are textual: a character inserted, deleted or replaced (brackets, operators,
digits, ``*{``, spaces), a span duplicated, a term repeated into a long flat sum, or the
rule wrapped in many parentheses, loads or slices. The outcome classes are those of
harness.py: a CheckError (or a rule that is simply false) is fine, anything else a bug.
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

from pyjitlink.check.checker import check_rule
from pyjitlink.check.environment import MemoryRegion

LIT = Path(__file__).resolve().parents[1] / "lit"
PREFIX = "jitlink-check:"
_PIECES = ["(", ")", "[", "]", ":", "*{", "*{8}", "}", "+", "-", "<<", ">>", "&", "|", ",",
           " ", "0x", "0", "9", "63", "64", "=", "\\", "decode_operand(", "next_pc(",
           "stub_addr(", "got_addr(", "section_addr(", "main", "_", ".", "$", "\xff", "\0"]


def load_rules() -> list[str]:
    rules = []
    for path in sorted(LIT.rglob("*")):
        if path.suffix not in (".s", ".test"):
            continue
        for line in path.read_text(errors="replace").splitlines():
            at = line.find(PREFIX)
            if at >= 0:
                rules.append(line[at + len(PREFIX):].strip())
    if not rules:
        raise RuntimeError(f"no jitlink-check rules under {LIT}")
    return rules


class EverythingEnv:
    """Every symbol, section, stub and GOT entry exists: at an address derived from its name,
    with 64 bytes of x86-64 code (``call rel32`` and ``movabs``) or AArch64 words; reads of
    any address give bytes derived from the address."""

    def __init__(self, arch: str) -> None:
        self.arch = arch

    def _region(self, *names: str) -> MemoryRegion:
        address = (zlib.crc32("\0".join(names).encode("utf-8", "surrogateescape")) << 4) + 0x10000
        if self.arch == "x86_64":
            code = (b"\xe8\x10\x00\x00\x00" + b"\x48\xb8" + address.to_bytes(8, "little")) * 4
        else:
            code = b"\x00\x00\x00\x94\x00\x00\x00\x90\x00\x00\x40\xf9\x20\x00\x80\xd2" * 4
        return MemoryRegion(address, len(code), code)

    def symbol(self, name: str) -> MemoryRegion | None:
        return self._region(name)

    def section(self, file: str, name: str) -> MemoryRegion | None:
        return self._region(file, name)

    def stub(self, file: str, name: str, kind: str) -> MemoryRegion | None:
        return self._region(file, name, kind)

    def got_entry(self, file: str, name: str) -> MemoryRegion | None:
        return self._region(file, "got", name)

    def read(self, address: int, size: int) -> bytes | None:
        return bytes((address + i) & 0xFF for i in range(size))


def mutate_rule(rule: str, rng: random.Random) -> str:
    for _ in range(rng.choice([1, 1, 2, 3])):
        what = rng.randrange(8)
        at = rng.randrange(len(rule) + 1)
        if what == 0:
            rule = rule[:at] + rng.choice(_PIECES) + rule[at:]
        elif what == 1 and rule:
            rule = rule[:at] + rule[at + rng.randint(1, 4):]
        elif what == 2 and rule:
            rule = rule[:at] + rng.choice(_PIECES) + rule[at + 1:]
        elif what == 3 and rule:
            end = min(len(rule), at + rng.randint(1, 20))
            rule = rule[:end] + rule[at:end] * rng.randint(1, 50) + rule[end:]
        elif what == 4:
            depth = rng.choice([10, 100, 1000, 3000])
            left, right = rng.choice([("(", ")"), ("*{8}(", ")"), ("(", ")[63:0]"),
                                      ("*{4}", "")])
            side = rule.split("=", 1)
            side[0] = left * depth + side[0] + right * depth
            rule = "=".join(side)
        elif what == 5:
            term = rng.choice(["1", "main", "(main)", "*{1}main", "next_pc(main)", "0x10"])
            rule = "+".join([term] * rng.choice([100, 1000, 5000])) + rule
        elif what == 6:
            rule = rule.replace(" ", "")
        else:
            rule = rule[::-1] if rng.random() < 0.1 else rule.upper()
    return rule


def run_rule(rule: str, arch: str) -> bool:
    """Evaluate one rule: True if it holds; False if it is false or a CheckError (which
    check_rule reports as the tool would)."""
    return check_rule(EverythingEnv(arch), rule, io.StringIO(), "fuzz:1: ")
