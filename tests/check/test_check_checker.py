"""Evaluating jitlink-check rules and files against a fake CheckerEnvironment.

Expected values are computed by hand from RuntimeDyldChecker's semantics; where llvm-jitlink
is installed, test_same_verdicts_and_messages_as_llvm_jitlink runs the same rules through it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from check_fake_env import FakeEnv

from pyjitlink.check.checker import check_file, check_files, check_rule, check_text, split_rules
from pyjitlink.errors import CheckError
from toolchain import find_tool

MASK = (1 << 64) - 1

TEXT = 0x10000
DATA = 0x20000
BSS = 0x30000

# call rel32 to `data` (from TEXT), movl $0xffffffff, %edi, movabsq $0x1122334455667788, %rax,
# movq 0x10(%rip), %rax, retq.
CODE = (bytes.fromhex("e8") + ((DATA - (TEXT + 5)) & 0xFFFFFFFF).to_bytes(4, "little")
        + bytes.fromhex("bfffffffff")
        + bytes.fromhex("48b88877665544332211")
        + bytes.fromhex("488b0510000000")
        + bytes.fromhex("c3"))


def make_env() -> FakeEnv:
    return FakeEnv(
        blocks={TEXT: CODE, DATA: bytes.fromhex("8877665544332211") + bytes(range(8))},
        zero_fill={BSS: 64},
        symbols={"main": TEXT, "call_site": TEXT, "mov_edi": TEXT + 5, "movabs": TEXT + 10,
                 "load_rip": TEXT + 20, "ret": TEXT + 27, "data": DATA, "data_hi": DATA + 4,
                 "bss": BSS, "_under": DATA, "a.b$c": DATA + 8, "Lfoo_real": DATA,
                 "high": 0xFFFFFFFFFFFFFFF0},
        sections={("t.o", ".text"): TEXT, ("t.o", "__DATA,__data"): DATA},
        stubs={("t.o", "ext"): TEXT + 0x100},
        got={("t.o", "ext"): DATA + 8},
    )


def run(rule: str, env: FakeEnv | None = None) -> tuple[bool, str]:
    err = io.StringIO()
    ok = check_rule(env or make_env(), rule, err)
    return ok, err.getvalue()


def passes(rule: str) -> bool:
    ok, out = run(rule)
    assert ok or out, "a failing rule must say why"
    return ok


# ---------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("rule", [
    "1+2 = 3",
    "5-3 = 2",
    "0xf0&0x3c = 0x30",
    "0xf0|0x0f = 0xff",
    "1<<4 = 16",
    "256>>4 = 16",
    "1+2<<3 = 24",             # (1+2)<<3: equal precedence, left to right
    "1+(2<<3) = 17",
    "8>>1|1 = 5",
    "1|2&1 = 1",
    "main+1-main = 1",
    "data - main = 0x10000",
])
def test_operators(rule: str) -> None:
    assert passes(rule)


@pytest.mark.parametrize("rule", [
    "0-1 = 0xffffffffffffffff",
    "0xffffffffffffffff+2 = 1",
    "high+0x20 = 0x10",
    "0x8000000000000000<<1 = 0",
    "1<<63>>63 = 1",
    "1<<64 = 0",               # a shift by 64 or more gives 0 (LLVM: undefined behaviour)
    "0xff>>64 = 0",
    "main-data = 0xffffffffffff0000",
])
def test_values_wrap_at_64_bits(rule: str) -> None:
    assert passes(rule)


@pytest.mark.parametrize("rule", [
    "0x12345678[15:8] = 0x56",
    "0x12345678[31:28] = 1",
    "0x0fff[7:4]+1 = 0x10",     # the slice binds to 0x0fff, then + 1
    "0x8000000000000000[63:63] = 1",
    "0xffffffffffffffff[63:0] = 0xffffffffffffffff",
    "0xfedcba9876543210[64:12] = 0xfedcba9876543",  # bits 63..12: a page number
    "0xfedcba9876543210[64:60] = 0xf",
    "0xfedcba9876543210[64:1] = 0x7f6e5d4c3b2a1908",  # 64 bits wide, bit 64 is 0
    "0xfedcba9876543210[0x40:0xc] = 0xfedcba9876543",  # bounds are numbers in any radix
    "0xfedcba9876543210[64:12]= 0xfedcba9876543",
    "0x5[0:0] = 1",
    "(main+0x123)[11:0] = 0x123",
    "decode_operand(mov_edi, 1)[31:16] = 0xffff",
])
def test_slices(rule: str) -> None:
    assert passes(rule)


def test_a_rule_without_equals_passes_if_it_evaluates() -> None:
    assert passes("main + 4")
    ok, out = run("nosuch + 4")
    assert not ok and "No known address for symbol 'nosuch'" in out


def test_false_rule_message_is_llvms() -> None:
    ok, out = run("1+0x29 = 0x29")
    assert not ok
    assert out == "Expression '1+0x29 = 0x29' is false: 0x2a != 0x29\n"


def test_where_prefix() -> None:
    err = io.StringIO()
    assert not check_rule(make_env(), "  1 = 2  ", err, "f.s:3: ")
    assert err.getvalue() == "f.s:3: Expression '1 = 2' is false: 0x1 != 0x2\n"


# ---------------------------------------------------------------- symbols


def test_symbols_evaluate_to_their_address() -> None:
    assert passes(f"main = {TEXT:#x}")
    assert passes(f"_under = {DATA:#x}")
    assert passes(f"a.b$c = {DATA + 8:#x}")
    assert passes(f"bss = {BSS:#x}")


def test_unknown_symbol_is_named() -> None:
    ok, out = run("nosuch = 0")
    assert not ok
    assert out == "Error evaluating expression 'nosuch = 0': No known address for symbol " \
                  "'nosuch'\n"


def test_unknown_symbol_starting_with_L_gets_llvms_hint() -> None:
    ok, out = run("Lfoo = 0")
    assert out == ("Error evaluating expression 'Lfoo = 0': No known address for symbol 'Lfoo' "
                   "(this appears to be an assembler local label -  perhaps drop the 'L'?)\n")


def test_errors_are_reported_in_llvms_left_to_right_order() -> None:
    ok, out = run("nosuch = 1 +")
    assert "No known address for symbol 'nosuch'" in out
    ok, out = run("1+ = nosuch")
    assert "Unexpected end of expression" in out
    ok, out = run("1 = nosuch")
    assert "No known address for symbol 'nosuch'" in out
    # An evaluation error before a syntax error on the same side wins, as in LLVM.
    ok, out = run("nosuch) = 1")
    assert "No known address for symbol 'nosuch'" in out
    ok, out = run("main + nosuch) = 1")
    assert "No known address for symbol 'nosuch'" in out
    ok, out = run("main) + nosuch = 1")
    assert "unexpected token ')'" in out
    ok, out = run("decode_operand(nosuch 1) = 1")
    assert "Cannot decode unknown symbol 'nosuch'" in out
    ok, out = run("next_pc(nosuch = 1")
    assert "Cannot decode unknown symbol 'nosuch'" in out
    ok, out = run("(*{8}(data + 12)) + ( = 1")   # the load is complete: its read fails first
    assert "Cannot read 8 bytes" in out
    ok, out = run("*{8}(data + 12) + ( = 1")     # greedy: the load is not complete
    assert "Unexpected end of expression" in out


# ---------------------------------------------------------------- loads


@pytest.mark.parametrize("rule", [
    "*{1}data = 0x88",
    "*{2}data = 0x7788",
    "*{4}data = 0x55667788",
    "*{8}data = 0x1122334455667788",
    "*{4}data_hi = 0x11223344",
    "*{4}data + 4 = 0x11223344",          # greedy: reads at data + 4
    "(*{4}data) + 4 = 0x5566778c",        # parenthesised: adds to the loaded value
    "(*{8}data)[15:8] = 0x77",
    "*{8}(data + 8) = 0x0706050403020100",
    "*{8}bss = 0",                        # zero-fill reads as zeros
    "*{4}(bss + 60) = 0",
    "*{8}0 = 0",                          # LLVM: a load from address 0 is 0
    "*{8}got_addr(t.o, ext) = 0x0706050403020100",
    "*{1}main = 0xe8",
    "*{4}main+1 = data - next_pc(main)",  # the call's rel32, read as memory
])
def test_loads(rule: str) -> None:
    assert passes(rule)


def test_loads_are_little_endian_reads_through_the_environment() -> None:
    env = make_env()
    assert check_rule(env, "*{2}(data + 6) = 0x1122", io.StringIO())
    assert env.reads == [(DATA + 6, 2)]


def test_load_slice_binds_to_the_address() -> None:
    # *{1}data[7:0] reads at address data[7:0] == 0, which LLVM defines as reading 0.
    assert passes("*{1}data[7:0] = 0")


def test_load_outside_linked_memory_is_an_error() -> None:
    ok, out = run("*{8}(data + 12) = 0")
    assert not ok
    assert "Cannot read 8 bytes at address 0x2000c" in out


@pytest.mark.parametrize("size", [0, 3, 5, 6, 7, 9, 16])
def test_invalid_load_sizes(size: int) -> None:
    ok, out = run(f"*{{{size}}}data = 0")
    assert not ok
    assert out == f"Error evaluating expression '*{{{size}}}data = 0': Invalid size for " \
                  "dereference.\n"


# ---------------------------------------------------------------- functions


def test_decode_operand_of_a_call_is_its_displacement() -> None:
    assert passes("decode_operand(call_site, 0) = data - next_pc(call_site)")
    assert passes(f"decode_operand(call_site, 0) = {DATA - TEXT - 5:#x}")


def test_decode_operand_immediates() -> None:
    assert passes("decode_operand(mov_edi, 1) = 0xffffffff")      # MOV32ri: zero-extended
    assert passes("decode_operand(movabs, 1) = 0x1122334455667788")
    # movq 0x10(%rip), %rax: rax, rip, 1, noreg, 0x10, noreg
    assert passes("decode_operand(load_rip, 2) = 1")
    assert passes("decode_operand(load_rip, 4) = 0x10")


def test_decode_operand_with_offset() -> None:
    assert passes("decode_operand(main + 5, 1) = 0xffffffff")
    assert passes("decode_operand(main+10, 1) = *{8}(movabs + 2)")


def test_negative_immediates_read_as_64_bit_unsigned() -> None:
    env = make_env()
    env.blocks[0x40000] = bytes.fromhex("48c7c0feffffff")   # movq $-2, %rax
    env.symbols["neg"] = 0x40000
    assert check_rule(env, "decode_operand(neg, 1) = 0xfffffffffffffffe", io.StringIO())
    assert check_rule(env, "decode_operand(neg, 1) = 0-2", io.StringIO())


def test_decode_operand_errors() -> None:
    ok, out = run("decode_operand(nosuch, 0) = 0")
    assert out == "Error evaluating expression 'decode_operand(nosuch, 0) = 0': Cannot " \
                  "decode unknown symbol 'nosuch'\n"
    ok, out = run("decode_operand(mov_edi, 0) = 0")
    assert out.startswith("Error evaluating expression 'decode_operand(mov_edi, 0) = 0': "
                          "Operand '0' of instruction 'mov_edi' is not an immediate.\n"
                          "Instruction is:\n  <MCInst 'mov edi, 0xffffffff' ")
    ok, out = run("decode_operand(mov_edi, 2) = 0")
    assert "Invalid operand index '2' for instruction 'mov_edi'. Instruction has only 2 " \
           "operands.\nInstruction is:\n" in out
    ok, out = run("decode_operand(ret, 0) = 0")
    assert "Instruction has only 0 operands." in out
    ok, out = run("decode_operand(bss, 0) = 0")
    assert "Couldn't decode instruction at 'bss'" in out
    ok, out = run("decode_operand(main + 0x1000, 0) = 0")
    assert "Couldn't decode instruction at 'main'" in out


def test_decode_operand_index_is_a_32_bit_unsigned() -> None:
    # LLVM stores the index in an 'unsigned': 2**32 + 1 is operand 1; printed with %i.
    assert passes("decode_operand(mov_edi, 0x100000001) = 0xffffffff")
    ok, out = run("decode_operand(mov_edi, 0xffffffff) = 0")
    assert "Invalid operand index '-1'" in out


def test_next_pc() -> None:
    assert passes("next_pc(call_site) = main + 5")
    assert passes("next_pc(movabs) - movabs = 10")
    assert passes("next_pc(ret) = ret + 1")
    ok, out = run("next_pc(nosuch) = 0")
    assert "Cannot decode unknown symbol 'nosuch'" in out
    ok, out = run("next_pc(bss) = 0")
    assert "Couldn't decode instruction at 'bss'" in out


def test_stub_got_and_section_addresses() -> None:
    assert passes(f"stub_addr(t.o, ext) = {TEXT + 0x100:#x}")
    assert passes(f"stub_addr(t.o, ext, some_kind) = {TEXT + 0x100:#x}")
    assert passes(f"got_addr(t.o, ext) = {DATA + 8:#x}")
    assert passes(f"section_addr(t.o, .text) = {TEXT:#x}")
    assert passes(f"section_addr(t.o, __DATA,__data) = {DATA:#x}")
    # Greedy load: the subtraction is part of the address.
    ok, out = run("*{8}got_addr(t.o, ext) - 0x0706050403020100 = 0")
    assert not ok and "Cannot read 8 bytes at address 0xf8f9fafbfcffff08" in out
    assert passes("(*{8}got_addr(t.o, ext)) - 0x0706050403020100 = 0")


@pytest.mark.parametrize("rule, message", [
    ("stub_addr(t.o, nosuch) = 0",
     'RTDyldChecker: no stub for "nosuch" registered for file "t.o"'),
    ("stub_addr(x.o, ext) = 0", 'RTDyldChecker: no stub for "ext" registered for file "x.o"'),
    ("got_addr(t.o, nosuch) = 0",
     'RTDyldChecker: no GOT entry for "nosuch" registered for file "t.o"'),
    ("section_addr(t.o, .nosuch) = 0",
     'RTDyldChecker: no section ".nosuch" registered for file "t.o"'),
])
def test_unknown_stub_got_or_section(rule: str, message: str) -> None:
    ok, out = run(rule)
    assert not ok
    assert out == f"Error evaluating expression '{rule}': {message}\n"


def test_syntax_errors_are_reported_as_evaluation_errors() -> None:
    ok, out = run("1 + 2 = 3")
    assert out == ("Error evaluating expression '1 + 2 = 3': Encountered unexpected token ' ' "
                   "while parsing subexpression '1 + 2'\n")


# ---------------------------------------------------------------- files


def test_split_rules_prefix_and_continuations() -> None:
    text = ("# jitlink-check: a = 1\n"
            "   \t# jitlink-check: b = \\\n"
            "\n"
            "  # jitlink-check:  2\n"
            "#jitlink-check: c = 3\n"              # no space after '#': not a rule
            "// jitlink-check: d = 4\n"
            "# other-check: e = 5\n"
            "x # jitlink-check: f = 6\n"
            "# jitlink-check: g = \\\n"
            "not a rule\n"                        # ends the continued rule as it stands
            "# jitlink-check: h = 8\r\n"
            "# jitlink-check: i = 9 \\ \n")       # '\' not last: no continuation
    rules, unfinished = split_rules(text, "# jitlink-check:")
    assert rules == [(1, " a = 1"), (2, " b =   2"), (9, " g = "), (11, " h = 8"),
                     (12, " i = 9 \\ ")]
    assert unfinished is None


def test_split_rules_unfinished_continuation_and_nul() -> None:
    assert split_rules("# c: a = 1\n# c: b = \\\n", "# c:") == ([(1, " a = 1")], 2)
    assert split_rules("# c: a = 1\n\0# c: b = 2\n", "# c:") == ([(1, " a = 1")], None)
    assert split_rules("# c:\n# c: 1 = 1\n", "# c:") == ([(2, " 1 = 1")], None)


def test_check_text_reports_file_and_line() -> None:
    text = ("# comment\n"
            "# jitlink-check: 1 = 1\n"
            "# jitlink-check: 1+1 = \\\n"
            "# jitlink-check:   3\n"
            "# jitlink-check: nosuch = 0\n")
    err = io.StringIO()
    assert not check_text(make_env(), text, "jitlink-check", err, "t.s")
    assert err.getvalue() == (
        "t.s:3: Expression '1+1 =    3' is false: 0x2 != 0x3\n"
        "t.s:5: Error evaluating expression 'nosuch = 0': No known address for symbol "
        "'nosuch'\n")


def test_all_rules_of_a_file_are_evaluated() -> None:
    err = io.StringIO()
    assert not check_text(make_env(), "# c: 1 = 2\n# c: 2 = 3\n# c: 3 = 3\n", "c", err, "f")
    assert err.getvalue().count("is false") == 2


def test_a_file_with_no_rules_fails() -> None:
    err = io.StringIO()
    assert not check_text(make_env(), "# jitlink-chek: 1 = 1\n", "jitlink-check", err, "f.s")
    assert err.getvalue() == "f.s: no rules found (no line starts with '# jitlink-check:')\n"


def test_an_unfinished_continuation_is_ignored_with_a_warning() -> None:
    err = io.StringIO()
    assert check_text(make_env(), "# c: 1 = 1\n# c: nosuch = \\\n", "c", err, "f")
    assert err.getvalue() == "f:2: warning: rule continued with '\\' at the end of the file " \
                             "is not checked\n"


def test_check_name_selects_the_prefix() -> None:
    text = "# jitlink-check: 1 = 2\n# my-check: 1 = 1\n"
    assert check_text(make_env(), text, "my-check", io.StringIO())
    assert not check_text(make_env(), text, "jitlink-check", io.StringIO())


def test_check_files_stops_at_the_first_failing_file(tmp_path: Path) -> None:
    good = tmp_path / "good.s"
    good.write_text("# jitlink-check: main = main\n")
    bad = tmp_path / "bad.s"
    bad.write_text("\n# jitlink-check: main = 0\n")
    empty = tmp_path / "empty.s"
    empty.write_text("no rules\n")
    err = io.StringIO()
    files = [str(good), str(bad), str(empty)]
    assert check_files(make_env(), files, "jitlink-check", err) == [str(bad)]
    assert err.getvalue() == f"{bad}:2: Expression 'main = 0' is false: 0x10000 != 0x0\n"
    err = io.StringIO()
    assert check_files(make_env(), files, "jitlink-check", err, keep_going=True) == [
        str(bad), str(empty)]
    assert check_files(make_env(), [str(good)], "jitlink-check", io.StringIO()) == []


def test_check_file_that_cannot_be_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.s")
    with pytest.raises(CheckError) as e:
        check_file(make_env(), missing, "jitlink-check", io.StringIO())
    assert e.value.file == missing


def test_importing_the_checker_does_not_import_capstone() -> None:
    code = ("import sys, pyjitlink.check.checker, pyjitlink.check.disasm; "
            "assert 'capstone' not in sys.modules, 'capstone imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- llvm-jitlink as an oracle

LLVM_JITLINK = shutil.which("llvm-jitlink") or shutil.which("llvm-jitlink-14")
LLVM_MC = find_tool("llvm-mc")

ORACLE_ASM = """\
    .text
    .globl main
    .p2align 4
main:
    movl $0x2a, %eax
    retq
    .size main, .-main
    .data
    .globl d
    .p2align 3
d:
    .quad 0x1122334455667788
    .size d, 8
"""

# Rules whose verdict and message do not depend on where llvm-jitlink puts things, and where
# we follow LLVM (not its undefined behaviour).
ORACLE_RULES = [
    "1+2 = 3", "1 + 2 = 3", "1+2<<3 = 24", "1+2 << 3 = 24", "8>>1|1 = 5", "1|2&1 = 1",
    "0-1 = 0xffffffffffffffff", "0 - 1 = 0", "0xffffffffffffffff+2 = 1", "010 = 8",
    "0x10 = 16", "0X10 = 16", "1 = 2", "1 == 1", "=", "1 =", "(1 = 1", ".L1 = 0", "foo)= 1",
    "nosuch = 0", "Lnosuch = 0", "main - main = 0", "(main+0x10)-main = 16", "main-main+5",
    "*{1}main = 0xb8", "*{4}main + 1 = 0x2a", "*{4}main + 1 = 0x2b", "(*{4}main)+1 = 0x2ab9",
    "*{8}d = 0x1122334455667788", "*{2}d = 0x7788", "(*{8}d)[15:8] = 0x77",
    "0x0fff[7:4] = 0xf", "0x0fff[7:4]+1 = 0x10", "0x12[7:0][3:0] = 2",
    "decode_operand(main, 1) = 0x2a", "decode_operand(main, 1) = 0x2b",
    "decode_operand(main, 0) = 0", "decode_operand(main, 2) = 0",
    "decode_operand(nosuch, 0) = 0", "decode_operand(main - 4, 1) = 0",
    "decode_operand(main + 5, 0) = 0", "decode_operand(main,1)[7:4] = 2",
    "next_pc(main) - main = 5", "next_pc(main) - main = 6", "next_pc(main + 1) = 0",
    "*{4 }main = 0", "*main = 0", "*{9}main = 0", "*{0}main = 0", "*{x}main = 0",
    "main[7:0 = 0", "main[7 :0] = 0", "main[x:0] = 0", "1 1 = 1",
    "main) + nosuch = 1", "decode_operand(nosuch 1) = 1", "next_pc(nosuch = 1",
    "decode_operand(main+x, 1) = 0", "decode_operand(main, 1 ) = 0", "main + 1[0:0] = main+1",
]


def _first_lines(out: str) -> list[str]:
    """Message lines (not 'Instruction is:' dumps, blank lines or the tool's summary)."""
    keep = []
    for line in out.splitlines():
        if line.startswith(("Error evaluating expression '", "Expression '")):
            keep.append(line)
    return keep


@pytest.mark.skipif(LLVM_JITLINK is None or LLVM_MC is None,
                    reason="llvm-jitlink and llvm-mc are not installed")
def test_same_verdicts_and_messages_as_llvm_jitlink(tmp_path: Path) -> None:
    assert LLVM_JITLINK is not None and LLVM_MC is not None
    obj = tmp_path / "oracle.o"
    subprocess.run([LLVM_MC, "-triple=x86_64-unknown-linux-gnu", "-filetype=obj",
                    "-o", str(obj)], input=ORACLE_ASM, text=True, check=True)
    checks = tmp_path / "oracle.s"
    checks.write_text("".join(f"# jitlink-check: {r}\n" for r in ORACLE_RULES))
    proc = subprocess.run([LLVM_JITLINK, "-noexec", f"-check={checks}", str(obj)],
                          capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    theirs = _first_lines(proc.stdout + proc.stderr)

    code = bytes.fromhex("b82a000000c3")
    env = FakeEnv(blocks={0x1000: code, 0x2000: bytes.fromhex("8877665544332211")},
                  symbols={"main": 0x1000, "d": 0x2000})
    err = io.StringIO()
    check_file(env, str(checks), "jitlink-check", err)
    prefix = re.compile(re.escape(str(checks)) + r":\d+: ")
    ours = _first_lines(prefix.sub("", err.getvalue()))
    assert ours == theirs
    assert len(theirs) > 30   # most of the rules above are meant to fail
