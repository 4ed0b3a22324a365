"""The jitlink-check parser: RuntimeDyldChecker's grammar and its error texts, quirks included.

Expected shapes and messages come from RuntimeDyldChecker.cpp and were confirmed by running
llvm-jitlink-14 on the same rules (test_check_checker.py re-runs that comparison when
llvm-jitlink is installed).
"""

from __future__ import annotations

import pytest

from pyjitlink.check.expr import (
    BinOp,
    DecodeOperand,
    GOTAddr,
    Load,
    NextPC,
    Number,
    RuleSyntaxError,
    SectionAddr,
    Slice,
    StubAddr,
    Symbol,
    parse,
    parse_rule,
    parse_side,
)
from pyjitlink.errors import CheckError


def side(text: str):  # type: ignore[no-untyped-def]
    return parse_side(text)


# ---------------------------------------------------------------- operators


def test_operators_are_left_associative_with_equal_precedence() -> None:
    assert side("1+2<<3") == BinOp("<<", BinOp("+", Number(1), Number(2)), Number(3))
    assert side("8>>1|1") == BinOp("|", BinOp(">>", Number(8), Number(1)), Number(1))
    assert side("a-b-c") == BinOp("-", BinOp("-", Symbol("a"), Symbol("b")), Symbol("c"))
    assert side("1|2&1") == BinOp("&", BinOp("|", Number(1), Number(2)), Number(1))


@pytest.mark.parametrize("op", ["+", "-", "&", "|", "<<", ">>"])
def test_every_binary_operator(op: str) -> None:
    assert side(f"foo {op} bar") == BinOp(op, Symbol("foo"), Symbol("bar"))
    assert side(f"foo{op}bar") == BinOp(op, Symbol("foo"), Symbol("bar"))


def test_parentheses_group() -> None:
    assert side("1+(2<<3)") == BinOp("+", Number(1), BinOp("<<", Number(2), Number(3)))
    assert side("( ( foo ) )") == Symbol("foo")


def test_no_space_is_skipped_after_a_number() -> None:
    # parseNumberString leaves the rest untrimmed, so "1 + 2" stops at the space.
    with pytest.raises(RuleSyntaxError) as e:
        side("1 + 2")
    assert e.value.message == ("Encountered unexpected token ' ' while parsing subexpression "
                               "'1 + 2'")
    assert side("foo + 2") == BinOp("+", Symbol("foo"), Number(2))
    assert side("(1)+ 2") == BinOp("+", Number(1), Number(2))


# ---------------------------------------------------------------- numbers and identifiers


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("42", 42), ("0x2a", 42), ("0xFFffFFffFFffFFff", (1 << 64) - 1),
    ("010", 8),                 # getAsInteger(0): a leading zero means octal
    ("18446744073709551615", (1 << 64) - 1),
])
def test_numbers(text: str, value: int) -> None:
    assert side(text) == Number(value)


@pytest.mark.parametrize("text, message", [
    ("09", "Invalid number '09'"),
    ("0x", "Invalid number '0x'"),
    ("0x10000000000000000", "Number '0x10000000000000000' does not fit in 64 bits"),
    ("0X10", "Encountered unexpected token 'X10' while parsing subexpression '0X10'"),
    ("0b101", "Encountered unexpected token 'b101' while parsing subexpression '0b101'"),
])
def test_bad_numbers(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(text)
    assert e.value.message == message


@pytest.mark.parametrize("name", ["foo", "_main", "a.b", "x$y", "ns::f", "L1", "f00_.$:"])
def test_identifier_characters(name: str) -> None:
    assert side(name) == Symbol(name)


def test_an_identifier_cannot_start_with_a_dot_or_dollar() -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(".L1")
    assert e.value.message == ("Encountered unexpected token '.' while parsing subexpression "
                               "'.L1' expected '(', '*', identifier, or number")
    with pytest.raises(RuleSyntaxError):
        side("$x")


# ---------------------------------------------------------------- slices and loads


def test_slice_binds_to_the_simple_expression_before_it() -> None:
    assert side("foo[15:0]") == Slice(Symbol("foo"), 15, 0)
    assert side("foo + 4[3:0]") == BinOp("+", Symbol("foo"), Slice(Number(4), 3, 0))
    assert side("(foo + 4)[3:0]") == Slice(BinOp("+", Symbol("foo"), Number(4)), 3, 0)
    assert side("decode_operand(f, 1)[31:12]") == Slice(DecodeOperand("f", 0, 1), 31, 12)
    assert side("foo[ 7: 0]") == Slice(Symbol("foo"), 7, 0)


def test_only_one_slice_per_simple_expression() -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side("foo[7:0][3:0]")
    assert e.value.message == ("Encountered unexpected token '[' while parsing subexpression "
                               "'foo[7:0][3:0]'")


def test_slice_may_name_bit_64_when_at_most_64_bits_wide() -> None:
    # As LLVM's checker: [64:12] is a 53-bit mask over bits 12-63 (a page number).
    node = side("foo[64:12]")
    assert (node.high, node.low) == (64, 12)


@pytest.mark.parametrize("text, message", [
    ("foo[64:0]", "Invalid bit-slice [64:0]"),
    ("foo[65:12]", "Invalid bit-slice [65:12]"),
    ("foo[0:1]", "Invalid bit-slice [0:1]"),
    ("foo[7 :0]", "Encountered unexpected token ' ' while parsing subexpression ' :0]' "
                  "expected ':'"),
    ("foo[7:0", "Encountered unexpected token '' expected ']'"),
    # ':' is a symbol character, so the reported token is 'x:0'.
    ("foo[x:0]", "Encountered unexpected token 'x:0' while parsing subexpression 'x:0]' "
                 "expected number"),
])
def test_bad_slices(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(text)
    assert e.value.message == message


def test_load_address_extends_greedily() -> None:
    assert side("*{4}foo + 4") == Load(4, BinOp("+", Symbol("foo"), Number(4)))
    assert side("(*{4}foo) + 4") == BinOp("+", Load(4, Symbol("foo")), Number(4))
    assert side("1+*{8}foo-8") == BinOp("+", Number(1),
                                        Load(8, BinOp("-", Symbol("foo"), Number(8))))
    # A slice after the symbol is part of the address, not of the loaded value.
    assert side("*{1}foo[7:0]") == Load(1, Slice(Symbol("foo"), 7, 0))
    assert side("(*{8}foo)[15:8]") == Slice(Load(8, Symbol("foo")), 15, 8)
    assert side("* { 2}foo") == Load(2, Symbol("foo"))


@pytest.mark.parametrize("size", [1, 2, 4, 8])
def test_load_sizes(size: int) -> None:
    assert side(f"*{{{size}}}foo") == Load(size, Symbol("foo"))


@pytest.mark.parametrize("text, message", [
    ("*{0}foo", "Invalid size for dereference."),
    ("*{3}foo", "Invalid size for dereference."),
    ("*{9}foo", "Invalid size for dereference."),
    ("*{16}foo", "Invalid size for dereference."),
    ("*foo", "Expected '{' following '*'."),
    ("*{4 }foo", "Missing '}' for dereference."),
    ("*{4foo", "Missing '}' for dereference."),
    ("*{x}foo", "Encountered unexpected token 'x' while parsing subexpression 'x}foo' "
                "expected number"),
])
def test_bad_loads(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(text)
    assert e.value.message == message


# ---------------------------------------------------------------- functions


def test_functions() -> None:
    assert side("decode_operand(foo, 4)") == DecodeOperand("foo", 0, 4)
    assert side("decode_operand( foo+0x10,1)") == DecodeOperand("foo", 16, 1)
    assert side("decode_operand(foo + 7, 0)") == DecodeOperand("foo", 7, 0)
    assert side("next_pc(foo)") == NextPC("foo")
    assert side("next_pc( foo )") == NextPC("foo")
    assert side("stub_addr(a-b.o, foo)") == StubAddr("a-b.o", "foo", "")
    assert side("stub_addr( x.o , foo , armv7_abs_le)") == StubAddr("x.o", "foo",
                                                                    "armv7_abs_le")
    assert side("got_addr(elf_reloc.o, named_data)") == GOTAddr("elf_reloc.o", "named_data")
    assert side("section_addr(t.o, __DATA,__data)") == SectionAddr("t.o", "__DATA,__data")
    assert side("section_addr(t.o, .text.hot )") == SectionAddr("t.o", ".text.hot")


def test_function_calls_combine_with_operators() -> None:
    assert side("decode_operand(f, 4) + next_pc(f)") == BinOp(
        "+", DecodeOperand("f", 0, 4), NextPC("f"))
    assert side("*{8}got_addr(t.o, x)") == Load(8, GOTAddr("t.o", "x"))


@pytest.mark.parametrize("text, message", [
    ("decode_operand foo, 1)", "Encountered unexpected token 'foo' while parsing "
                               "subexpression 'foo, 1)' expected '('"),
    ("decode_operand(foo - 4, 1)", "Encountered unexpected token '4' while parsing "
                                   "subexpression '4, 1)' expected '+' for offset or ',' if no "
                                   "offset"),
    ("decode_operand(foo + 4 , 1)", "Encountered unexpected token ' ' while parsing "
                                    "subexpression ' , 1)' expected ','"),
    ("decode_operand(foo + x, 1)", "Encountered unexpected token '' expected ','"),
    ("decode_operand(foo 1)", "Encountered unexpected token '1' while parsing subexpression "
                              "'1)' expected ','"),
    ("decode_operand(foo, 1 )", "Encountered unexpected token ' ' while parsing subexpression "
                                "' )' expected ')'"),
    ("decode_operand(foo, x)", "Encountered unexpected token 'x' while parsing subexpression "
                               "'x)' expected number"),
    ("next_pc(foo + 1)", "Encountered unexpected token '+' while parsing subexpression "
                         "'+ 1)' expected ')'"),
    ("stub_addr(t.o)", "Encountered unexpected token '' while parsing subexpression "
                       "'(t.o)' expected ','"),
    ("stub_addr(t.o, foo", "Encountered unexpected token '' while parsing subexpression "
                           "'(t.o, foo' expected ')'"),
    ("stub_addr(t.o, foo, kind", "Encountered unexpected token '' while parsing subexpression "
                                 "'(t.o, foo, kind' expected ')'"),
    ("got_addr(t.o, foo bar)", "Encountered unexpected token 'bar' while parsing "
                               "subexpression '(t.o, foo bar)' expected ')'"),
    ("got_addr(t.o, foo, kind)", "got_addr takes no stub-kind filter"),
    ("section_addr(t.o .text)", "Encountered unexpected token '' while parsing subexpression "
                                "'(t.o .text)' expected ','"),
    ("section_addr(t.o, .text", "Encountered unexpected token '' while parsing subexpression "
                                "'(t.o, .text' expected ')'"),
])
def test_bad_function_calls(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(text)
    assert e.value.message == message


# ---------------------------------------------------------------- whole rules and sides


def test_a_rule_splits_at_its_first_equals_sign() -> None:
    rule = parse_rule("  foo + 1 =  bar  ")
    assert (rule.text, rule.lhs_text, rule.rhs_text) == ("foo + 1 =  bar", "foo + 1", "bar")
    assert parse("foo=bar") == (Symbol("foo"), Symbol("bar"))


def test_a_rule_without_equals_compares_its_text_with_itself() -> None:
    rule = parse_rule("foo")
    assert (rule.lhs_text, rule.rhs_text) == ("foo", "foo")


@pytest.mark.parametrize("text, message", [
    ("", "Unexpected end of expression"),
    ("1+", "Unexpected end of expression"),
    ("(1", "Encountered unexpected token '' while parsing subexpression '(1' expected ')'"),
    ("foo bar", "Encountered unexpected token 'bar' while parsing subexpression 'foo bar'"),
    ("foo ^ 1", "Encountered unexpected token '^' while parsing subexpression 'foo ^ 1'"),
    ("foo << <<", "Encountered unexpected token '<<' while parsing subexpression '<<' "
                  "expected '(', '*', identifier, or number"),
    ("= 1", "Encountered unexpected token '=' while parsing subexpression '= 1' expected '(', "
            "'*', identifier, or number"),
    ("foo)", "Encountered unexpected token ')' while parsing subexpression 'foo)'"),
    ("_x y", "Encountered unexpected token 'y' while parsing subexpression '_x y'"),
    ("1 1", "Encountered unexpected token ' ' while parsing subexpression '1 1'"),
])
def test_syntax_errors_have_llvm_text(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        side(text)
    assert e.value.message == message


def test_syntax_errors_are_check_errors() -> None:
    assert issubclass(RuleSyntaxError, CheckError)


def test_ast_is_frozen_and_hashable() -> None:
    e = side("*{8}(foo + 8)[31:0]")
    assert hash(e) == hash(side("*{8}(foo + 8)[31:0]"))
    with pytest.raises(AttributeError):
        e.size = 4  # type: ignore[misc, union-attr]
