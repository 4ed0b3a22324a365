#!/usr/bin/env python3
"""Cross-check the lit suite (tests/lit) against a reference llvm-jitlink.

Runs the suite twice, once with pyjitlink and once with ``PYJITLINK_LIT_TOOL`` set to the
reference tool (the newest of llvm-jitlink-19 ... -14 found, unless --tool is given), and
reports which tests each passes: counts and lists for "both pass", "only pyjitlink passes",
"only the reference passes" and "both fail", with the first telling line of each failing
run's output as the reason. With --fail-on-reference-only (as .ci/run runs it against
llvm-jitlink 19) the exit status is 1 when some test passes only with the reference tool:
pyjitlink fell behind it there.

Expect disagreements with llvm-jitlink 14: it spells -abs as -define-abs and has no -alias,
-show-graphs (it has a -show-graph flag), -show-linked-files or the LLVM 19 statistics
options; it lacks several relocation types (R_X86_64_32/16/8/PC16/PC8/NONE/SIZE32/SIZE64/
GOTPC32/PLTOFF64) and crashes on some inputs; it relaxes GOTPCRELX calls/jmps with an
absolute value in the rel32 field; its slab layout and ExecutionSession dumps differ from
LLVM 19's. A reason line names the cause for each test.

With --define-abs the reference runs behind a small wrapper that respells -abs as
-define-abs (its name before LLVM 17), so the relocation tests that need absolute
symbols compare fixups rather than option spellings.

Usage: python tests/crosscheck_lit.py [--tool llvm-jitlink-14] [--define-abs]
                                      [--json results.json] [--fail-on-reference-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LIT_DIR = Path(__file__).resolve().parent / "lit"
REFERENCE_VERSIONS = range(19, 13, -1)  # llvm-jitlink-19 ... llvm-jitlink-14


def find_reference_tool() -> str | None:
    """The newest llvm-jitlink-N on PATH or in /usr/lib/llvm-N/bin (N = 19 ... 14)."""
    for version in REFERENCE_VERSIONS:
        found = shutil.which(f"llvm-jitlink-{version}")
        if found:
            return found
        candidate = f"/usr/lib/llvm-{version}/bin/llvm-jitlink"
        if os.access(candidate, os.X_OK):
            return candidate
    return None


WRAPPER = """\
import os, sys
tool, args, out = sys.argv[1], sys.argv[2:], []
while args:
    arg = args.pop(0)
    if arg in ("-abs", "--abs") and args:
        out += ["-define-abs", args.pop(0)]
    elif arg.startswith(("-abs=", "--abs=")):
        out.append("-define-abs=" + arg.split("=", 1)[1])
    else:
        out.append(arg)
os.execvp(tool, [tool] + out)
"""


def lit_command() -> list[str]:
    exe = shutil.which("lit")
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys, lit.main; sys.exit(lit.main.main())"]


def run_lit(tool: str | None, jobs: int | None) -> dict[str, tuple[str, str]]:
    """Run the suite; test name -> (result code, output). ``tool`` None means pyjitlink."""
    env = dict(os.environ)
    env.pop("PYJITLINK_LIT_TOOL", None)
    env.pop("CI", None)  # keep UNSUPPORTED as it is: its own group below
    if tool:
        env["PYJITLINK_LIT_TOOL"] = tool
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        cmd = [*lit_command(), "-q", "-o", out, str(LIT_DIR)]
        if jobs:
            cmd[1:1] = ["-j", str(jobs)]
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
    results = {}
    for test in data["tests"]:
        name = test["name"].split(" :: ", 1)[-1]
        results[name] = (test["code"], test.get("output", ""))
    return results


REASON_PATTERNS = [
    (re.compile(r"Unknown command line argument '([^']+)'"),
     lambda m: f"no option {m.group(1)}"),
    (re.compile(r"PLEASE submit a bug report|Stack dump:|Segmentation fault"),
     lambda m: "crashed"),
    (re.compile(r"(Unsupported x86-64 relocation type[^\n]*)"), lambda m: m.group(1)),
    (re.compile(r"(Expression '.*' is false: [^\n]*)"), lambda m: m.group(1)),
    (re.compile(r"(Error evaluating expression [^\n]*)"), lambda m: m.group(1)),
    (re.compile(r"error: ([\w-]+): expected string not found in input\n"
                r"# \| #\s*[\w-]+:([^\n]*)"),
     lambda m: f"output lacks {m.group(1)}: {m.group(2).strip()}"),
    (re.compile(r"error: ([\w-]+): excluded string found in input\n"
                r"# \| #\s*[\w-]+:([^\n]*)"),
     lambda m: f"output has {m.group(1)}: {m.group(2).strip()}"),
    (re.compile(r"(Symbols not found: [^\n]*)"), lambda m: m.group(1)),
    (re.compile(r"# \| ([^\n]*error[^\n]*)", re.IGNORECASE), lambda m: m.group(1)),
    (re.compile(r"(error: command failed with exit status: \d+)"), lambda m: m.group(1)),
]


def reason(output: str) -> str:
    """The first line of a failing run's output that says why it failed."""
    for pattern, describe in REASON_PATTERNS:
        m = pattern.search(output)
        if m:
            text = describe(m)
            return text if len(text) <= 200 else text[:197] + "..."
    return "(no reason found in the output)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tool", help="reference tool (default: newest llvm-jitlink-N)")
    parser.add_argument("-j", "--jobs", type=int, help="lit worker count")
    parser.add_argument("--json", help="also write the classification to this file")
    parser.add_argument("--define-abs", action="store_true",
                        help="run the reference with -abs respelled as -define-abs")
    parser.add_argument("--fail-on-reference-only", action="store_true",
                        help="exit 1 if some test passes only with the reference tool")
    args = parser.parse_args()

    tool = args.tool or find_reference_tool()
    if not tool:
        print("no reference llvm-jitlink found (tried llvm-jitlink-19 ... -14)",
              file=sys.stderr)
        return 2
    print(f"reference tool: {tool}" + (" (-abs respelled -define-abs)" if args.define_abs
                                         else ""))
    ours = run_lit(None, args.jobs)
    if args.define_abs:
        with tempfile.TemporaryDirectory() as tmp:
            wrapper = os.path.join(tmp, "respell_abs.py")
            with open(wrapper, "w", encoding="utf-8") as f:
                f.write(WRAPPER)
            ref = run_lit(f"{shlex.quote(sys.executable)} {shlex.quote(wrapper)} "
                          f"{shlex.quote(tool)}", args.jobs)
    else:
        ref = run_lit(tool, args.jobs)

    passing = {"PASS", "XFAIL"}
    groups: dict[str, list[str]] = {"both pass": [], "only pyjitlink passes": [],
                                    "only the reference passes": [], "both fail": [],
                                    "unsupported / not run": []}
    for name in sorted(set(ours) | set(ref)):
        our_code = ours.get(name, ("MISSING", ""))[0]
        ref_code = ref.get(name, ("MISSING", ""))[0]
        if our_code in ("UNSUPPORTED", "MISSING") or ref_code in ("UNSUPPORTED", "MISSING"):
            groups["unsupported / not run"].append(name)
        elif our_code in passing and ref_code in passing:
            groups["both pass"].append(name)
        elif our_code in passing:
            groups["only pyjitlink passes"].append(name)
        elif ref_code in passing:
            groups["only the reference passes"].append(name)
        else:
            groups["both fail"].append(name)

    total = len(set(ours) | set(ref))
    print(f"\n{total} tests")
    for group, names in groups.items():
        print(f"  {group}: {len(names)}")

    report: dict[str, list[dict[str, str]]] = {}
    for group, names in groups.items():
        if not names:
            continue
        print(f"\n== {group} ({len(names)})")
        report[group] = []
        for name in names:
            entry = {"test": name, "pyjitlink": ours.get(name, ("MISSING", ""))[0],
                     "reference": ref.get(name, ("MISSING", ""))[0]}
            print(f"  {name}")
            if group != "both pass":
                if entry["reference"] not in passing and name in ref:
                    entry["reference_reason"] = reason(ref[name][1])
                    print(f"      reference: {entry['reference_reason']}")
                if entry["pyjitlink"] not in passing and name in ours:
                    entry["pyjitlink_reason"] = reason(ours[name][1])
                    print(f"      pyjitlink: {entry['pyjitlink_reason']}")
            report[group].append(entry)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"reference": tool, "counts": {g: len(n) for g, n in groups.items()},
                       "groups": report}, f, indent=2)
    if args.fail_on_reference_only and groups["only the reference passes"]:
        print(f"\nFAILED: {len(groups['only the reference passes'])} test(s) pass only with "
              f"{tool}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
