"""K objects that all call each other link and run on any number of threads, every time.

Object i defines leaf_i (returns i) and f_i, which calls leaf_j of every other object j, so
the objects' dependencies form a complete graph: no object can finish linking before every
other has its addresses. Links wait through continuations, never by blocking a worker, so a
pool of N threads links any K. The expected output is computed here, not recorded:
sum over i of sum over j != i of j = (K - 1) * K * (K - 1) / 2.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain import find_tool

LLVM_MC = find_tool("llvm-mc")
pytestmark = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc is not installed")


def _write_clique(directory: Path, k: int) -> list[Path]:
    sources = []
    for i in range(k):
        calls = "".join(f"    call leaf_{j}@PLT\n    addl %eax, %ebx\n" for j in range(k) if j != i)
        sources.append((f"m{i}", f"""
    .text
    .globl leaf_{i}
    .type leaf_{i},@function
leaf_{i}:
    movl ${i}, %eax
    ret
    .globl f_{i}
    .type f_{i},@function
f_{i}:
    pushq %rbx
    xorl %ebx, %ebx
{calls}    movl %ebx, %eax
    popq %rbx
    ret
"""))
    calls = "".join(f"    call f_{i}@PLT\n    addl %eax, %ebx\n" for i in range(k))
    sources.append(("main", f"""
    .text
    .globl main
    .type main,@function
main:
    pushq %rbx
    xorl %ebx, %ebx
{calls}    leaq fmt(%rip), %rdi
    movl %ebx, %esi
    xorl %eax, %eax
    call printf@PLT
    xorl %eax, %eax
    popq %rbx
    ret
    .section .rodata
fmt: .asciz "%d\\n"
"""))
    objects = []
    for name, text in sources:
        src, obj = directory / f"{name}.s", directory / f"{name}.o"
        src.write_text(text)
        subprocess.run([LLVM_MC, "-triple=x86_64-unknown-linux-gnu", "-filetype=obj", "-o",
                        str(obj), str(src)], check=True)
        objects.append(obj)
    return objects


@pytest.fixture(scope="module", params=[8, 64, 256])
def clique(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[int, list[Path]]:
    k = request.param
    return k, _write_clique(tmp_path_factory.mktemp(f"clique{k}"), k)


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_clique_links_and_runs_on_a_thread_pool(clique: tuple[int, list[Path]],
                                                threads: int) -> None:
    k, objects = clique
    expected = f"{(k - 1) * k * (k - 1) // 2}\n"
    repeats = 3 if k <= 64 else 1
    for _ in range(repeats):
        result = subprocess.run([sys.executable, "-m", "pyjitlink", "-num-threads",
                                 str(threads), *map(str, objects)], capture_output=True,
                                text=True, timeout=300, check=False)
        assert (result.returncode, result.stderr, result.stdout) == (0, "", expected)


AR = shutil.which("ar")


@pytest.mark.skipif(AR is None, reason="ar is not installed")
@pytest.mark.parametrize("threads", [0, 2])
def test_cycles_through_archives_and_across_jitdylibs(tmp_path: Path, threads: int) -> None:
    """The same complete graph, with half the objects as members of an archive in one
    JITDylib and the other half in a second JITDylib, each linking against the other: every
    dependency cycle crosses an archive generator and a JITDylib boundary."""
    k = 16
    objects = _write_clique(tmp_path, k)
    main, members = objects[-1], objects[:-1]
    half = k // 2
    archive = tmp_path / "libmembers.a"
    subprocess.run([AR, "rcs", str(archive), *map(str, members[:half])], check=True)
    args = [str(main), "-lfirst", "-lsecond", "-jd", "first", "-L", str(tmp_path),
            "-lmembers", "-lsecond", "-jd", "second", *map(str, members[half:]), "-lfirst"]
    expected = f"{(k - 1) * k * (k - 1) // 2}\n"
    for _ in range(3):
        result = subprocess.run([sys.executable, "-m", "pyjitlink", "-num-threads",
                                 str(threads), *args], capture_output=True, text=True,
                                timeout=300, check=False)
        assert (result.returncode, result.stderr, result.stdout) == (0, "", expected)
