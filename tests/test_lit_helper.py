"""pyjitlink.lit: a user's lit suite configured by it links and runs a compiler's output,
checks relocations with jitlink-check, and speaks as llvm-jitlink under that name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """
import lit.formats
import pyjitlink.lit

config.name = "user-suite"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".s"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.test_source_root, "Output")
pyjitlink.lit.configure(config, lit_config)
"""

FACT = r"""// RUN: %cc -O2 -c %s -o %t.o
// RUN: pyjitlink %t.o -args 5 | FileCheck %s
// CHECK: fact(5) = 120
#include <stdio.h>
#include <stdlib.h>
static long fact(long n) { return n <= 1 ? 1 : n * fact(n - 1); }
int main(int argc, char **argv) {
    long n = atol(argv[0]);
    printf("fact(%ld) = %ld\n", n, fact(n));
    return 0;
}
"""

RELOC = r"""# RUN: llvm-mc -triple=x86_64-unknown-linux -filetype=obj -o %t.o %s
# RUN: pyjitlink -noexec -slab-allocate 100Kb -slab-address 0xfff00000 \
# RUN:     -slab-page-size 4096 -check=%s %t.o
# RUN: not llvm-jitlink -noexec %t.o -abs target=0x123456789 2>&1 | FileCheck %s
# jitlink-check: decode_operand(main, 0) = target - next_pc(main)
# CHECK: llvm-jitlink: Duplicate definition of symbol 'target'
        .text
        .globl main
        .type main,@function
main:
        callq target
        retq
        .size main, .-main
        .globl target
        .type target,@function
target:
        retq
        .size target, .-target
"""


def test_user_suite_runs_with_the_helper(tmp_path: Path) -> None:
    (tmp_path / "lit.cfg.py").write_text("import os\n" + CONFIG)
    (tmp_path / "fact.c").write_text(FACT)
    (tmp_path / "reloc.s").write_text(RELOC)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", "import sys, lit.main; "
                           "sys.exit(lit.main.main())", "-v", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed: 2" in proc.stdout, proc.stdout
