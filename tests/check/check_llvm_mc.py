"""llvm-mc as an oracle: assemble lines to bytes, and list the MCInst operands LLVM decodes.

``assemble`` runs ``llvm-mc -show-encoding`` and fills each fixup's bytes with a fixed pattern
(so relocated fields hold non-trivial, sign-bit-set values); ``disassemble`` runs
``llvm-mc --disassemble -show-inst`` and parses every ``<MCInst ...>`` it prints.
"""

from __future__ import annotations

import re
import subprocess
from typing import NamedTuple
from toolchain import find_tool

LLVM_MC = find_tool("llvm-mc")

# Bytes written where a fixup would go: 0x9abcdef0 / 0x923456789abcdef0 read little-endian,
# negative as signed values.
FIXUP_PATTERN = bytes((0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x92))


class MCOperand(NamedTuple):
    kind: str      # "Reg" or "Imm" (or "Expr" for unresolved expressions)
    value: int


class MCInst(NamedTuple):
    opcode: str
    operands: tuple[MCOperand, ...]


def _run(args: list[str], text: str) -> str:
    assert LLVM_MC is not None
    proc = subprocess.run([LLVM_MC, *args], input=text, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0 or "error" in proc.stderr:
        raise RuntimeError(f"llvm-mc {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def assemble(lines: list[str], triple: str) -> list[bytes]:
    """The bytes of each line (fixups filled with FIXUP_PATTERN), in one llvm-mc run."""
    src = "".join(f".Lpyjitlink_line{i}:\n{line}\n" for i, line in enumerate(lines))
    out = _run([f"-triple={triple}", "-show-encoding"], src)
    result: list[bytearray] = []
    for line in out.splitlines():
        if line.startswith(".Lpyjitlink_line"):
            result.append(bytearray())
            continue
        m = re.search(r"encoding: \[(.*?)\]", line)
        if not m:
            continue
        fill: dict[str, int] = {}
        for tok in m.group(1).split(","):
            if tok.startswith("0x"):
                result[-1].append(int(tok, 16))
            elif re.fullmatch(r"[A-Z]", tok):
                k = fill.get(tok, 0)
                fill[tok] = k + 1
                result[-1].append(FIXUP_PATTERN[k])
            else:
                raise ValueError(f"cannot fill a partial-byte fixup {tok!r} in {line!r}")
    assert len(result) == len(lines), (lines, out)
    return [bytes(b) for b in result]


# A marker instruction put between byte strings (int $0x77 / brk #0x7777), and its MCInst.
_MARKERS = {
    "x86_64": (b"\xcd\x77", MCInst("INT", (MCOperand("Imm", 0x77),))),
    "aarch64": (b"\xe0\xee\x2e\xd4", MCInst("BRK", (MCOperand("Imm", 0x7777),))),
}


def disassemble(encodings: list[bytes], triple: str) -> list[list[MCInst]]:
    """The MCInsts LLVM decodes from each byte string, in one llvm-mc run.

    A marker instruction (int3 / brk) is put between the byte strings so the output can be
    split back into groups.
    """
    marker, marker_inst = _MARKERS[triple]
    text = "\n".join(" ".join(f"0x{b:02x}" for b in enc + marker) for enc in encodings) + "\n"
    out = _run(["--disassemble", "-show-inst", f"-triple={triple}"], text)
    insts: list[MCInst] = []
    cur: list[MCOperand] | None = None
    name = ""
    for line in out.splitlines():
        m = re.search(r"<MCInst #\d+ (\w+)", line)
        if m:
            if cur is not None:
                insts.append(MCInst(name, tuple(cur)))
            name, cur = m.group(1), []
        for om in re.finditer(r"<MCOperand (\w+):(-?\d+)>", line):
            assert cur is not None
            cur.append(MCOperand(om.group(1), int(om.group(2))))
    if cur is not None:
        insts.append(MCInst(name, tuple(cur)))
    groups: list[list[MCInst]] = [[]]
    for inst in insts:
        if inst == marker_inst:
            groups.append([])
        else:
            groups[-1].append(inst)
    groups.pop()
    assert len(groups) == len(encodings), "llvm-mc's output does not split into the inputs"
    return groups
