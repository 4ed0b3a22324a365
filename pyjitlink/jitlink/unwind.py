"""Walk a stack with DWARF call-frame information (``.eh_frame`` CIE/FDE records) read from
target memory: the unwinder behind fault backtraces, natively and under emulation.

Formats from the LSB's "Exception Frames" chapter (record layout, augmentation string,
``DW_EH_PE_*`` pointer encodings) and DWARF 5, 6.4 "Call Frame Information" (the CFA
instructions). Everything reads target memory through ``read(address, size) -> bytes``, which
raises ``LookupError`` for an address that cannot be read; registers are DWARF-numbered
(x86-64: 6 rbp, 7 rsp, 16 the return address column; AArch64: 29 fp, 30 lr, 31 sp).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from pyjitlink.jitlink.eh_frame import read_sleb128, read_uleb128
from pyjitlink.jitlink.target import Arch

Reader = Callable[[int, int], bytes]
# fde_finder(pc) -> address of the FDE record covering pc, or None.
FDEFinder = Callable[[int], "int | None"]



class FrameRegisters(NamedTuple):
    """An architecture's unwinding registers, in DWARF numbers (x86-64 psABI, "DWARF
    Register Number Mapping"; AAPCS64's DWARF for the Arm 64-bit Architecture).

    ``return_address`` is the CIE's return-address column; ``return_address_is_register``:
    that column is a machine register (AArch64's x30, which the caller sees) rather than a
    pseudo-column for the return address alone (x86-64's 16), which the caller has not.
    """

    stack_pointer: int
    frame_pointer: int
    return_address: int
    return_address_is_register: bool


# Keyed by Arch; typed by its str base so executors holding a spelling index it too.
ARCH_REGISTERS: dict[str, FrameRegisters] = {
    Arch.X86_64: FrameRegisters(7, 6, 16, False),
    Arch.AARCH64: FrameRegisters(31, 29, 30, True),
}

DW_EH_PE_omit = 0xFF
DW_EH_PE_pcrel = 0x10
DW_EH_PE_datarel = 0x30
DW_EH_PE_indirect = 0x80


class CFIError(Exception):
    """Call-frame information that cannot be read or followed (the walk stops there)."""


def _pointer(data: bytes, at: int, encoding: int, base: int) -> tuple[int, int]:
    """Decode a ``DW_EH_PE_*`` pointer at ``data[at]``; ``base`` is its target address (for
    pcrel). Returns (value, next offset)."""
    form = encoding & 0x0F
    if form == 0x00:  # absptr
        value, size = struct.unpack_from("<Q", data, at)[0], 8
    elif form == 0x01:  # uleb128
        value, end = read_uleb128(data, at)
        size = end - at
    elif form == 0x02:
        value, size = struct.unpack_from("<H", data, at)[0], 2
    elif form == 0x03:
        value, size = struct.unpack_from("<I", data, at)[0], 4
    elif form == 0x04:
        value, size = struct.unpack_from("<Q", data, at)[0], 8
    elif form == 0x09:  # sleb128
        value, end = read_sleb128(data, at)
        size = end - at
    elif form == 0x0A:
        value, size = struct.unpack_from("<h", data, at)[0], 2
    elif form == 0x0B:
        value, size = struct.unpack_from("<i", data, at)[0], 4
    elif form == 0x0C:
        value, size = struct.unpack_from("<q", data, at)[0], 8
    else:
        raise CFIError(f"unsupported pointer encoding {encoding:#x}")
    if encoding & 0x70 == DW_EH_PE_pcrel:
        value += base
    return value & (1 << 64) - 1, at + size


@dataclass(slots=True)
class CIE:
    code_align: int
    data_align: int
    return_register: int
    fde_encoding: int
    initial_instructions: bytes
    signal_frame: bool = False
    augmented: bool = False  # "z...": FDEs carry an augmentation data length


@dataclass(slots=True)
class FDE:
    cie: CIE
    pc_begin: int
    pc_end: int
    instructions: bytes


def _record(read: Reader, address: int) -> tuple[bytes, int]:
    """(body after the length field, address of the body) of the record at ``address``."""
    length = struct.unpack("<I", read(address, 4))[0]
    if length == 0xFFFFFFFF:
        length = struct.unpack("<Q", read(address + 4, 8))[0]
        address += 8
    if length == 0 or length > 1 << 20:
        raise CFIError(f"no CFI record at {address:#x}")
    return read(address + 4, length), address + 4


def parse_cie(read: Reader, address: int) -> CIE:
    body, base = _record(read, address)
    if struct.unpack_from("<I", body, 0)[0] != 0:
        raise CFIError(f"record at {address:#x} is not a CIE")
    version = body[4]
    end = body.index(b"\0", 5)
    augmentation = body[5:end].decode("latin-1")
    at = end + 1
    if "eh" in augmentation:
        at += 8
    code_align, at = read_uleb128(body, at)
    data_align, at = read_sleb128(body, at)
    if version == 1:
        return_register, at = body[at], at + 1
    else:
        return_register, at = read_uleb128(body, at)
    fde_encoding = 0
    signal_frame = False
    if augmentation.startswith("z"):
        length, at = read_uleb128(body, at)
        aug_end = at + length
        for letter in augmentation[1:]:
            if letter == "R":
                fde_encoding, at = body[at], at + 1
            elif letter == "P":
                encoding = body[at]
                _, at = _pointer(body, at + 1, encoding & 0x7F, base + at + 1)
            elif letter == "L":
                at += 1
            elif letter == "S":
                signal_frame = True
            elif letter == "B":
                pass
            else:
                break
        at = aug_end
    return CIE(code_align, data_align, return_register, fde_encoding, body[at:],
               signal_frame, augmentation.startswith("z"))


def parse_fde(read: Reader, address: int, cies: dict[int, CIE] | None = None) -> FDE:
    """The FDE record at ``address`` with its CIE (``cies`` caches CIEs by address)."""
    body, base = _record(read, address)
    cie_pointer = struct.unpack_from("<I", body, 0)[0]
    if cie_pointer == 0:
        raise CFIError(f"record at {address:#x} is a CIE, not an FDE")
    cie_address = base - cie_pointer
    cie = cies.get(cie_address) if cies is not None else None
    if cie is None:
        cie = parse_cie(read, cie_address)
        if cies is not None:
            cies[cie_address] = cie
    encoding = cie.fde_encoding
    pc_begin, at = _pointer(body, 4, encoding, base + 4)
    pc_range, at = _pointer(body, at, encoding & 0x0F, 0)
    if cie.augmented:
        aug_length, at = read_uleb128(body, at)
        at += aug_length
    return FDE(cie, pc_begin, pc_begin + pc_range, body[at:])


class Rule(Enum):
    """How a caller's register is found (DWARF 5, 6.4.1 "Structure of Call Frame
    Information": the register rules), with the rule's operand n."""

    OFFSET = "offset"  # saved at CFA + n
    VAL_OFFSET = "val_offset"  # the value CFA + n
    REGISTER = "register"  # in register n
    SAME_VALUE = "same_value"  # unchanged
    UNDEFINED = "undefined"  # not recoverable


@dataclass
class _Rules:
    cfa_register: int = 0
    cfa_offset: int = 0
    registers: dict[int, tuple[Rule, int]] = field(default_factory=dict)  # register -> rule

    def copy(self) -> _Rules:
        return _Rules(self.cfa_register, self.cfa_offset, dict(self.registers))


def _execute(instructions: bytes, cie: CIE, rules: _Rules, initial: _Rules | None,
             location: int, target: int) -> int:
    """Run CFA instructions from ``location`` until the row for ``target`` is complete;
    returns the location reached (DWARF 5, 6.4.2)."""
    stack: list[_Rules] = []
    at = 0
    data = instructions
    while at < len(data):
        op = data[at]
        at += 1
        high, low = op & 0xC0, op & 0x3F
        if high == 0x40:  # DW_CFA_advance_loc
            location += low * cie.code_align
            if location > target:
                return location
            continue
        if high == 0x80:  # DW_CFA_offset
            value, at = read_uleb128(data, at)
            rules.registers[low] = (Rule.OFFSET, value * cie.data_align)
            continue
        if high == 0xC0:  # DW_CFA_restore
            _restore(rules, initial, low)
            continue
        if op == 0x00:  # nop
            continue
        if op == 0x01:  # set_loc
            location, at = _pointer(data, at, cie.fde_encoding, 0)
            if location > target:
                return location
        elif op in (0x02, 0x03, 0x04):  # advance_loc1/2/4
            size = {0x02: 1, 0x03: 2, 0x04: 4}[op]
            delta = int.from_bytes(data[at:at + size], "little")
            at += size
            location += delta * cie.code_align
            if location > target:
                return location
        elif op == 0x05:  # offset_extended
            register, at = read_uleb128(data, at)
            value, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.OFFSET, value * cie.data_align)
        elif op == 0x06:  # restore_extended
            register, at = read_uleb128(data, at)
            _restore(rules, initial, register)
        elif op == 0x07:  # undefined
            register, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.UNDEFINED, 0)
        elif op == 0x08:  # same_value
            register, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.SAME_VALUE, 0)
        elif op == 0x09:  # register
            register, at = read_uleb128(data, at)
            other, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.REGISTER, other)
        elif op == 0x0A:  # remember_state
            stack.append(rules.copy())
        elif op == 0x0B:  # restore_state
            if not stack:
                raise CFIError("DW_CFA_restore_state without remember_state")
            saved = stack.pop()
            rules.cfa_register, rules.cfa_offset = saved.cfa_register, saved.cfa_offset
            rules.registers = saved.registers
        elif op == 0x0C:  # def_cfa
            rules.cfa_register, at = read_uleb128(data, at)
            rules.cfa_offset, at = read_uleb128(data, at)
        elif op == 0x0D:  # def_cfa_register
            rules.cfa_register, at = read_uleb128(data, at)
        elif op == 0x0E:  # def_cfa_offset
            rules.cfa_offset, at = read_uleb128(data, at)
        elif op == 0x11:  # offset_extended_sf
            register, at = read_uleb128(data, at)
            value, at = read_sleb128(data, at)
            rules.registers[register] = (Rule.OFFSET, value * cie.data_align)
        elif op == 0x12:  # def_cfa_sf
            rules.cfa_register, at = read_uleb128(data, at)
            value, at = read_sleb128(data, at)
            rules.cfa_offset = value * cie.data_align
        elif op == 0x13:  # def_cfa_offset_sf
            value, at = read_sleb128(data, at)
            rules.cfa_offset = value * cie.data_align
        elif op == 0x14:  # val_offset
            register, at = read_uleb128(data, at)
            value, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.VAL_OFFSET, value * cie.data_align)
        elif op == 0x15:  # val_offset_sf
            register, at = read_uleb128(data, at)
            value, at = read_sleb128(data, at)
            rules.registers[register] = (Rule.VAL_OFFSET, value * cie.data_align)
        elif op == 0x2E:  # GNU_args_size
            _, at = read_uleb128(data, at)
        elif op == 0x2F:  # GNU_negative_offset_extended
            register, at = read_uleb128(data, at)
            value, at = read_uleb128(data, at)
            rules.registers[register] = (Rule.OFFSET, -value * cie.data_align)
        elif op == 0x2D:  # AArch64 negate_ra_state (pointer authentication): no rule
            continue
        else:
            # def_cfa_expression, expression, val_expression and vendor ops: not followed.
            raise CFIError(f"unsupported CFA instruction {op:#x}")
    return location


def _restore(rules: _Rules, initial: _Rules | None, register: int) -> None:
    if initial is not None and register in initial.registers:
        rules.registers[register] = initial.registers[register]
    else:
        rules.registers.pop(register, None)


def rules_at(fde: FDE, pc: int) -> _Rules:
    """The CFA and register rules in force at ``pc`` (inside ``fde``'s range)."""
    rules = _Rules()
    _execute(fde.cie.initial_instructions, fde.cie, rules, None, fde.pc_begin, 1 << 64)
    initial = rules.copy()
    _execute(fde.instructions, fde.cie, rules, initial, fde.pc_begin, pc)
    return rules


def step(read: Reader, fde: FDE, registers: dict[int, int], pc: int, arch: Arch | str
         ) -> tuple[int, dict[int, int]] | None:
    """One frame up: (caller's pc, caller's registers), or None at the outermost frame.

    ``registers`` are the frame's registers (DWARF numbers; missing means unknown), ``pc``
    the address whose row applies (a return address minus one for caller frames).
    """
    frame = ARCH_REGISTERS[Arch(arch)]
    sp_reg, ra_reg = frame.stack_pointer, frame.return_address
    rules = rules_at(fde, pc)
    base = registers.get(rules.cfa_register)
    if base is None:
        raise CFIError(f"CFA register {rules.cfa_register} unknown")
    cfa = (base + rules.cfa_offset) & (1 << 64) - 1
    caller = dict(registers)
    for register, (kind, value) in rules.registers.items():
        if kind is Rule.OFFSET:
            caller[register] = struct.unpack("<Q", read(cfa + value, 8))[0]
        elif kind is Rule.VAL_OFFSET:
            caller[register] = cfa + value
        elif kind is Rule.REGISTER:
            if value in registers:
                caller[register] = registers[value]
            else:
                caller.pop(register, None)
        elif kind is Rule.UNDEFINED:
            caller.pop(register, None)
    caller[sp_reg] = cfa
    return_register = fde.cie.return_register
    if return_register not in caller or (
            rules.registers.get(return_register, (Rule.SAME_VALUE, 0))[0] is Rule.UNDEFINED):
        return None
    return_address = caller[return_register]
    if not frame.return_address_is_register:
        caller.pop(ra_reg, None)
    if return_address == 0:
        return None
    return return_address, caller


def backtrace(read: Reader, find_fde: FDEFinder, pc: int, registers: dict[int, int],
              arch: Arch | str, limit: int = 64) -> list[int]:
    """Return addresses of the frames above the one at ``pc`` (the faulting frame itself is
    not included), innermost first, following CFI while an FDE covers the pc and, where none
    does (code without unwind tables), the frame-pointer chain (x86-64 ``rbp``: saved rbp at
    [rbp], return address at [rbp+8]; AArch64 ``x29``: the frame record [x29] = (fp, lr)).
    """
    sp_reg, fp_reg, ra_reg, _ = ARCH_REGISTERS[Arch(arch)]
    frames: list[int] = []
    cies: dict[int, CIE] = {}
    lookup_pc = pc
    seen: set[tuple[int, int]] = set()
    for _ in range(limit):
        try:
            fde_address = find_fde(lookup_pc)
            fde = parse_fde(read, fde_address, cies) if fde_address is not None else None
            if fde is not None and not fde.pc_begin <= lookup_pc < fde.pc_end:
                fde = None
            if fde is not None:
                result = step(read, fde, registers, lookup_pc, arch)
            else:
                result = _frame_pointer_step(read, registers, arch)
        except (CFIError, LookupError, struct.error, IndexError, ValueError):
            break
        if result is None:
            break
        pc, registers = result
        key = (pc, registers.get(sp_reg, 0))
        if key in seen:
            break
        seen.add(key)
        frames.append(pc)
        lookup_pc = pc - 1  # the call, not what follows it (it may start the next function)
    return frames


def _frame_pointer_step(read: Reader, registers: dict[int, int], arch: Arch | str
                        ) -> tuple[int, dict[int, int]] | None:
    sp_reg, fp_reg, _, _ = ARCH_REGISTERS[Arch(arch)]
    fp = registers.get(fp_reg)
    if not fp or fp & 7:
        return None
    saved_fp, return_address = struct.unpack("<QQ", read(fp, 16))
    if not return_address or (saved_fp and saved_fp <= fp):
        return None
    caller = dict(registers)
    caller[fp_reg] = saved_fp
    caller[sp_reg] = fp + 16
    return return_address, caller


def fde_table(read: Reader, record_addresses: list[int]) -> list[tuple[int, int, int]]:
    """(pc_begin, pc_end, FDE address) of each FDE among the CIE/FDE records at
    ``record_addresses`` (a linked ``.eh_frame``'s blocks), sorted; CIEs are skipped."""
    table = []
    cies: dict[int, CIE] = {}
    for address in record_addresses:
        try:
            body, _ = _record(read, address)
            if struct.unpack_from("<I", body, 0)[0] == 0:
                continue
            fde = parse_fde(read, address, cies)
        except (CFIError, LookupError, struct.error, IndexError, ValueError):
            continue
        if fde.pc_end > fde.pc_begin:
            table.append((fde.pc_begin, fde.pc_end, address))
    table.sort()
    return table
