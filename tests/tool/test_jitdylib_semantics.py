"""JITDylib semantics from the command line: visibility, weak and common definitions, link
orders, aliases and hidden libraries, checked by running real programs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GCC, AR = shutil.which("gcc"), shutil.which("ar")
pytestmark = pytest.mark.skipif(GCC is None, reason="gcc is not installed")


def cc(tmp_path: Path, name: str, source: str, *flags: str) -> str:
    src, obj = tmp_path / f"{name}.c", tmp_path / f"{name}.o"
    src.write_text(source)
    subprocess.run([GCC, "-O1", "-fcommon", *flags, "-c", str(src), "-o", str(obj)],
                   check=True)
    return str(obj)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyjitlink", *args], capture_output=True,
                          text=True, timeout=120, check=False)


MAIN = r"""
#include <stdio.h>
int *a_counter(void); int *b_counter(void); int which(void);
int main(void) {
    printf("same=%d which=%d\n", a_counter() == b_counter(), which());
    return 0;
}
"""


def test_weak_definitions_resolve_to_one_copy_and_strong_wins(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", MAIN)
    a = cc(tmp_path, "a", "__attribute__((weak)) int counter = 1;\n"
                          "__attribute__((weak)) int which(void) { return 1; }\n"
                          "int *a_counter(void) { return &counter; }\n")
    b = cc(tmp_path, "b", "__attribute__((weak)) int counter = 2;\n"
                          "int which(void) { return 2; }\n"
                          "int *b_counter(void) { return &counter; }\n")
    result = run(main, a, b)
    assert (result.returncode, result.stdout, result.stderr) == (0, "same=1 which=2\n", "")


def test_common_symbols_merge_and_a_definition_wins(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", r"""
        #include <stdio.h>
        int shared; int *other(void); int get(void);
        int main(void) { shared = 5; printf("%d %d\n", &shared == other(), get()); return 0; }
    """)
    other = cc(tmp_path, "other", "int shared; int *other(void) { return &shared; }\n")
    strong = cc(tmp_path, "strong", "int shared = 9; int get(void) { return shared; }\n")
    result = run(main, other, strong)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 5\n", "")


def test_same_name_in_two_jitdylibs_binds_by_link_order(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", "int value(void); int main(void) { return value(); }\n")
    one = cc(tmp_path, "one", "int value(void) { return 11; }\n")
    two = cc(tmp_path, "two", "int value(void) { return 22; }\n")
    assert run(main, "-lone", "-ltwo", "-jd", "one", one, "-jd", "two", two).returncode == 11
    assert run(main, "-ltwo", "-lone", "-jd", "one", one, "-jd", "two", two).returncode == 22


def test_hidden_symbols_do_not_bind_across_jitdylibs(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", "int value(void); int main(void) { return value(); }\n")
    hidden = cc(tmp_path, "hidden", "int value(void) { return 7; }\n", "-fvisibility=hidden")
    assert run(main, hidden).returncode == 7  # same JITDylib: hidden binds
    result = run(main, "-llib", "-jd", "lib", hidden)
    assert result.returncode == 1 and "Symbols not found: [ value ]" in result.stderr


def test_alias_across_jitdylibs(tmp_path: Path) -> None:
    main = cc(tmp_path, "main", "int answer(void); int main(void) { return answer(); }\n")
    lib = cc(tmp_path, "lib", "int real_answer(void) { return 42; }\n")
    result = run(main, "-jd", "lib", lib, "-alias", "main:answer=lib:real_answer")
    assert (result.returncode, result.stderr) == (42, "")


@pytest.mark.skipif(AR is None, reason="ar is not installed")
def test_hidden_l_keeps_an_archive_inside_its_jitdylib(tmp_path: Path) -> None:
    user = cc(tmp_path, "user", "int helper(void); int use(void) { return helper() + 1; }\n")
    member = cc(tmp_path, "helper", "int helper(void) { return 40; }\n")
    subprocess.run([AR, "rcs", str(tmp_path / "libhelp.a"), member], check=True)
    main = cc(tmp_path, "main", "int use(void); int main(void) { return use(); }\n")
    # The archive's helper binds inside lib (user.o is there too) ...
    ok = run(main, "-llib", "-jd", "lib", user, "-L", str(tmp_path), "-hidden-lhelp")
    assert (ok.returncode, ok.stderr) == (41, "")
    # ... but main cannot see it through lib.
    main2 = cc(tmp_path, "main2", "int helper(void); int main(void) { return helper(); }\n")
    bad = run(main2, "-llib", "-jd", "lib", user, "-L", str(tmp_path), "-hidden-lhelp")
    assert bad.returncode == 1 and "Symbols not found: [ helper ]" in bad.stderr
