#!/usr/bin/env bash
# Rebuild the pyjitlink test corpus: compile every program in several
# code-generation flavours into relocatable objects, link each flavour with
# gcc, run it, and record the expected stdout/stderr/exit code.
#
# Usage: testdata/build.sh            (from anywhere; idempotent)
#
# Executables are built in a temporary directory and never committed.
#
# The AArch64 flavours (testdata/<prog>/a64-*/) are compiled with $A64_CC
# (default aarch64-linux-gnu-gcc, Debian package gcc-aarch64-linux-gnu),
# linked statically and run under $QEMU_AARCH64 (default qemu-aarch64, Debian
# package qemu-user); their outputs must equal the x86-64 ones in
# <prog>/expected/.  Without the cross compiler or qemu that part is skipped
# with a message and the committed a64-* objects are left as they are.
#
# The Mach-O flavours (testdata/<prog>/macho-*/) are compiled with $CLANG
# (default clang, else clang-14; Debian package clang) for x86_64-apple-macos11
# and arm64-apple-macos11 against the prelude in testdata/macho-include/ (there
# is no macOS SDK).  They are only compiled: nothing here links or runs Mach-O,
# and pyjitlink's output for them must equal the ELF builds' <prog>/expected/
# (tests/programs checks that).  Without clang that part is skipped with a
# message and the committed macho-* objects are left as they are.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CC="${CC:-gcc}"
PROGRAMS=(calc textstat dsbench)

# Flags shared by every flavour.  Unwind tables stay on (default) so
# .eh_frame is present; -g0 keeps the objects small; -fcommon turns the
# tentative definitions into COMMON symbols.
BASE_CFLAGS="-std=gnu11 -fcommon -g0 -Wall -Wno-unused-function"

# name | cflags | ldflags
FLAVOURS=(
  "O0-pie|-O0|-pie"
  "O2-pie|-O2|-pie"
  "O0-pic|-O0 -fPIC|-pie"
  "O2-pic|-O2 -fPIC|-pie"
  "O0-nopic|-O0 -fno-pic|-no-pie"
  "O2-nopic|-O2 -fno-pic|-no-pie"
  "O0-large|-O0 -mcmodel=large|-pie"
  "O2-large|-O2 -mcmodel=large|-pie"
  "O2-large-nopic|-O2 -mcmodel=large -fno-pic|-no-pie"
  "O0-medium|-O0 -mcmodel=medium|-pie"
  "O2-medium|-O2 -mcmodel=medium|-pie"
  "O2-noplt|-O2 -fno-plt|-pie"
  "O2-ssp|-O2 -fstack-protector-strong|-pie"
)

LIBS="-lm"

A64_CC="${A64_CC:-aarch64-linux-gnu-gcc}"
QEMU_AARCH64="${QEMU_AARCH64:-qemu-aarch64}"

# AArch64 flavours: name | cflags.  Each is linked with -static (so qemu needs
# no sysroot) against the cross toolchain's libc and libm.  The code models
# are small (default), tiny (+-1 MiB: ADR and literal GOT loads) and large
# (absolute addresses from literal pools; gcc refuses it with PIC/PIE, hence
# -fno-pic); there is no medium model on AArch64.  -fpic (lower-case) is the
# small-GOT PIC model (LD64_GOTPAGE_LO15 against _GLOBAL_OFFSET_TABLE_).
A64_FLAVOURS=(
  "a64-O0-pie|-O0"
  "a64-O2-pie|-O2"
  "a64-O0-pic|-O0 -fPIC"
  "a64-O2-pic|-O2 -fPIC"
  "a64-O2-fpic|-O2 -fpic"
  "a64-O0-nopic|-O0 -fno-pic"
  "a64-O2-nopic|-O2 -fno-pic"
  "a64-O0-large-nopic|-O0 -mcmodel=large -fno-pic"
  "a64-O2-large-nopic|-O2 -mcmodel=large -fno-pic"
  "a64-O0-tiny|-O0 -mcmodel=tiny"
  "a64-O2-tiny|-O2 -mcmodel=tiny"
  "a64-O2-noplt|-O2 -fno-plt"
  "a64-O2-ssp|-O2 -fstack-protector-strong"
)
A64_LDFLAGS="-static"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "compiler: $("$CC" --version | head -n1)"

# run_all PROG EXE OUTDIR [RUNNER...]: run every invocation of
# <prog>/runs.txt (cwd = testdata/<prog>), recording OUTDIR/<run>.stdout,
# .stderr and .rc.
run_all() {
  local prog="$1" exe="$2" rdir="$3"
  shift 3
  local pdir="$HERE/$prog" run args
  mkdir -p "$rdir"
  while read -r run args; do
    [ -z "$run" ] && continue
    case "$run" in \#*) continue ;; esac
    set +e
    # shellcheck disable=SC2086
    (cd "$pdir" && "$@" "$exe" $args >"$rdir/$run.stdout" 2>"$rdir/$run.stderr" </dev/null)
    echo $? >"$rdir/$run.rc"
    set -e
  done <"$pdir/${RUNS_FILE:-runs.txt}"
}

status=0
for prog in "${PROGRAMS[@]}"; do
  pdir="$HERE/$prog"
  srcs=()
  for f in "$pdir"/src/*.c; do srcs+=("$(basename "$f" .c)"); done
  first=""
  rm -rf "$pdir/expected"
  mkdir -p "$pdir/expected"

  for fl in "${FLAVOURS[@]}"; do
    IFS='|' read -r name cflags ldflags <<<"$fl"
    odir="$pdir/$name"
    rm -rf "$odir"
    mkdir -p "$odir"
    all_cflags="$BASE_CFLAGS $cflags"
    {
      echo "cflags: $all_cflags"
      echo "ldflags: $ldflags $LIBS"
    } >"$odir/cflags"
    # Compile from inside src/ with relative paths so objects do not embed
    # absolute directories.
    for s in "${srcs[@]}"; do
      (cd "$pdir/src" && $CC $all_cflags -c "$s.c" -o "$odir/$s.o")
    done
    exe="$TMP/$prog-$name"
    objs=()
    for s in "${srcs[@]}"; do objs+=("$odir/$s.o"); done
    $CC $ldflags -o "$exe" "${objs[@]}" $LIBS

    # Run every invocation with cwd = testdata/<prog>.
    rdir="$TMP/out-$prog-$name"
    run_all "$prog" "$exe" "$rdir"

    if [ -z "$first" ]; then
      first="$name"
      cp "$rdir"/* "$pdir/expected/"
    elif ! diff -r "$pdir/expected" "$rdir" >"$TMP/diff" 2>&1; then
      echo "MISMATCH: $prog flavour $name differs from $first:" >&2
      head -n 40 "$TMP/diff" >&2
      status=1
    fi
    nrel=$(readelf -rW "${objs[@]}" | grep -c '^[0-9a-f]\{16\} ' || true)
    echo "$prog/$name: ${#srcs[@]} objects, $nrel relocations, ok"
  done
  echo "$prog expected results:"
  for rc in "$pdir"/expected/*.rc; do
    printf '  %-16s rc=%s\n' "$(basename "$rc" .rc)" "$(cat "$rc")"
  done
done

# ---------------------------------------------------------------- AArch64

a64_missing=""
if ! command -v "$A64_CC" >/dev/null 2>&1; then
  a64_missing="$A64_CC not found (Debian: apt-get install gcc-aarch64-linux-gnu)"
elif ! command -v "$QEMU_AARCH64" >/dev/null 2>&1; then
  a64_missing="$QEMU_AARCH64 not found (Debian: apt-get install qemu-user)"
fi

echo
if [ -n "$a64_missing" ]; then
  echo "skipping the AArch64 flavours: $a64_missing; committed a64-* objects left as they are"
else
  echo "AArch64 compiler: $("$A64_CC" --version | head -n1)"
  echo "AArch64 runner: $("$QEMU_AARCH64" --version | head -n1)"
  for prog in "${PROGRAMS[@]}"; do
    pdir="$HERE/$prog"
    srcs=()
    for f in "$pdir"/src/*.c; do srcs+=("$(basename "$f" .c)"); done
    for fl in "${A64_FLAVOURS[@]}"; do
      IFS='|' read -r name cflags <<<"$fl"
      odir="$pdir/$name"
      rm -rf "$odir"
      mkdir -p "$odir"
      all_cflags="$BASE_CFLAGS $cflags"
      {
        echo "arch: aarch64"
        echo "cc: $(basename "$A64_CC")"
        echo "cflags: $all_cflags"
        echo "ldflags: $A64_LDFLAGS $LIBS"
        echo "run: $(basename "$QEMU_AARCH64")"
      } >"$odir/cflags"
      for s in "${srcs[@]}"; do
        (cd "$pdir/src" && $A64_CC $all_cflags -c "$s.c" -o "$odir/$s.o")
      done
      exe="$TMP/$prog-$name"
      objs=()
      for s in "${srcs[@]}"; do objs+=("$odir/$s.o"); done
      $A64_CC $A64_LDFLAGS -o "$exe" "${objs[@]}" $LIBS

      rdir="$TMP/out-$prog-$name"
      run_all "$prog" "$exe" "$rdir" "$QEMU_AARCH64"
      # The AArch64 build must behave exactly as the x86-64 ones.
      if ! diff -r "$pdir/expected" "$rdir" >"$TMP/diff" 2>&1; then
        echo "MISMATCH: $prog flavour $name differs from the x86-64 expected output:" >&2
        head -n 40 "$TMP/diff" >&2
        status=1
      fi
      nrel=$(readelf -rW "${objs[@]}" | grep -c '^[0-9a-f]\{16\} ' || true)
      echo "$prog/$name: ${#srcs[@]} objects, $nrel relocations, ok"
    done
  done
fi

# ---------------------------------------------------------------- Mach-O

# Mach-O flavours: name | clang target | cflags.  The objects are run on Linux
# by pyjitlink, which binds each C-library name, less its Mach-O leading
# underscore, in glibc (x86-64, native) or in its emulated C library (arm64,
# under Unicorn); so the programs' <stdio.h> etc. come from the prelude in
# macho-include/ (glibc's names, only what the programs use), and clang's own
# stddef.h/stdarg.h/stdint.h stay available (-Werror=implicit-function-declaration
# catches a name the prelude lacks).  -fno-stack-protector (Darwin enables the
# stack protector by default) except in the -ssp flavours, whose canary is the
# variable __stack_chk_guard (pyjitlink provides it natively, hostlib emulated).  Unwind info is left at clang's default
# (x86-64: __compact_unwind, and __eh_frame with an FDE for every function;
# arm64: __compact_unwind only).
MACHO_TARGET_FLAGS="-nostdlibinc -isystem ../../macho-include -Werror=implicit-function-declaration -fno-stack-protector"
MACHO_FLAVOURS=(
  "macho-O0|x86_64-apple-macos11|-O0"
  "macho-O2|x86_64-apple-macos11|-O2"
  "macho-a64-O0|arm64-apple-macos11|-O0"
  "macho-a64-O2|arm64-apple-macos11|-O2"
  "macho-O2-ssp|x86_64-apple-macos11|-O2 -fstack-protector-strong"
  "macho-a64-O2-ssp|arm64-apple-macos11|-O2 -fstack-protector-strong"
)
# Undefined names the Mach-O objects may reference besides what the prelude
# declares (names without the leading underscore), all calls the compiler
# introduces: the atexit-based lowering of destructors (__cxa_atexit,
# __dso_handle; pyjitlink provides both), puts for printf("...\n"), and the
# memory-zeroing entry points Darwin's code generators call for a large
# memset(p, 0, n) (x86-64 __bzero, arm64 bzero; both in glibc and hostlib).
MACHO_RUNTIME_NAMES="__cxa_atexit __dso_handle puts __bzero bzero __stack_chk_guard __stack_chk_fail"

# tool NAME VERSIONED: NAME if it is on PATH, else VERSIONED.
tool() {
  if command -v "$1" >/dev/null 2>&1; then echo "$1"; else echo "$2"; fi
}
CLANG="${CLANG:-$(tool clang clang-14)}"
LLVM_NM="${LLVM_NM:-$(tool llvm-nm llvm-nm-14)}"
LLVM_READOBJ="${LLVM_READOBJ:-$(tool llvm-readobj llvm-readobj-14)}"

# macho_check_undefined OBJ...: fail unless every external symbol the objects
# reference but do not define (weak references aside) is declared in the
# prelude or listed in MACHO_RUNTIME_NAMES.
macho_check_undefined() {
  local name bad=""
  for name in $("$LLVM_NM" -m "$@" | awk '
      / \(undefined\) external / { sub(/^_/, "", $NF); undef[$NF] = 1; next }
      / external / { sub(/^_/, "", $NF); def[$NF] = 1 }
      END { for (n in undef) if (!(n in def)) print n }' | sort); do
    case " $MACHO_RUNTIME_NAMES " in *" $name "*) continue ;; esac
    grep -qE "[ *]$name[(;]" "$HERE"/macho-include/*.h || bad="$bad $name"
  done
  if [ -n "$bad" ]; then
    echo "UNEXPECTED C LIBRARY NAMES in $(dirname "$1"):$bad" >&2
    return 1
  fi
}

echo
if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "skipping the Mach-O flavours: $CLANG not found (Debian: apt-get install clang); committed macho-* objects left as they are"
else
  echo "Mach-O compiler: $("$CLANG" --version | head -n1)"
  if ! command -v "$LLVM_NM" >/dev/null 2>&1; then
    echo "note: $LLVM_NM not found (Debian: apt-get install llvm); undefined symbols not checked"
  fi
  for prog in "${PROGRAMS[@]}"; do
    pdir="$HERE/$prog"
    srcs=()
    for f in "$pdir"/src/*.c; do srcs+=("$(basename "$f" .c)"); done
    for fl in "${MACHO_FLAVOURS[@]}"; do
      IFS='|' read -r name target cflags <<<"$fl"
      odir="$pdir/$name"
      rm -rf "$odir"
      mkdir -p "$odir"
      all_cflags="--target=$target $MACHO_TARGET_FLAGS $BASE_CFLAGS $cflags"
      case "$target" in arm64-*) arch=aarch64 ;; *) arch=x86_64 ;; esac
      {
        echo "format: macho"
        echo "arch: $arch"
        echo "cc: $("$CLANG" --version | head -n1)"
        echo "cflags: $all_cflags"
        echo "run: none (not linked; expected output is the ELF builds')"
      } >"$odir/cflags"
      for s in "${srcs[@]}"; do
        (cd "$pdir/src" && "$CLANG" $all_cflags -c "$s.c" -o "$odir/$s.o")
      done
      objs=()
      for s in "${srcs[@]}"; do objs+=("$odir/$s.o"); done
      if command -v "$LLVM_NM" >/dev/null 2>&1; then
        macho_check_undefined "${objs[@]}" || status=1
      fi
      nrel="?"
      if command -v "$LLVM_READOBJ" >/dev/null 2>&1; then
        nrel=$("$LLVM_READOBJ" -r "${objs[@]}" | grep -cE '^ +0x[0-9A-F]+ ' || true)
      fi
      echo "$prog/$name: ${#srcs[@]} objects, $nrel relocations, compiled"
    done
  done
fi

# ---------------------------------------------------------------- debug programs

# Programs built with DWARF (-g -O0) for pyjitlink's fault reports, debugger registration
# and profiler maps.  They crash on purpose, so they have no runs.txt (tests/programs would
# compare their stderr with the gcc build's); <prog>/crashes.txt lists the invocations and
# <prog>/expected/ records the gcc build's stdout and exit status for each (139 for a
# SIGSEGV: the shell's 128 + signal).  The x86-64 build is O0-g, the AArch64 one a64-O0-g
# (run under qemu when both tools are there).
DEBUG_PROGRAMS=(crash)
DEBUG_CFLAGS="-std=gnu11 -g -O0 -Wall"

# run_listed LIST PROG EXE OUTDIR [RUNNER...]: as run_all, over <prog>/LIST, without
# stderr (the runner's own crash message would land there).
run_listed() {
  local list="$1" prog="$2" exe="$3" rdir="$4"
  shift 4
  local pdir="$HERE/$prog" run args
  mkdir -p "$rdir"
  while read -r run args; do
    [ -z "$run" ] && continue
    case "$run" in \#*) continue ;; esac
    case " ${SKIP_RUNS:-} " in *" $prog:$run "*) continue ;; esac
    set +e
    # shellcheck disable=SC2086
    (cd "$pdir" && ulimit -c 0 && "$@" "$exe" $args >"$rdir/$run.stdout" 2>/dev/null </dev/null)
    echo $? >"$rdir/$run.rc"
    set -e
  done <"$pdir/$list"
}

echo
for prog in "${DEBUG_PROGRAMS[@]}"; do
  pdir="$HERE/$prog"
  rm -rf "$pdir/O0-g" "$pdir/expected"
  mkdir -p "$pdir/O0-g"
  printf 'cflags: %s\nldflags: -pie\n' "$DEBUG_CFLAGS" >"$pdir/O0-g/cflags"
  objs=()
  for f in "$pdir"/src/*.c; do
    s="$(basename "$f" .c)"
    (cd "$pdir/src" && $CC $DEBUG_CFLAGS -c "$s.c" -o "$pdir/O0-g/$s.o")
    objs+=("$pdir/O0-g/$s.o")
  done
  $CC -pie -o "$TMP/$prog-O0-g" "${objs[@]}"
  run_listed crashes.txt "$prog" "$TMP/$prog-O0-g" "$pdir/expected"
  echo "$prog/O0-g: ${#objs[@]} objects, compiled and run"
  if [ -z "$a64_missing" ]; then
    rm -rf "$pdir/a64-O0-g"
    mkdir -p "$pdir/a64-O0-g"
    printf 'arch: aarch64\ncc: %s\ncflags: %s\nldflags: -static\nrun: %s\n' \
      "$(basename "$A64_CC")" "$DEBUG_CFLAGS" "$(basename "$QEMU_AARCH64")" >"$pdir/a64-O0-g/cflags"
    objs=()
    for f in "$pdir"/src/*.c; do
      s="$(basename "$f" .c)"
      (cd "$pdir/src" && $A64_CC $DEBUG_CFLAGS -c "$s.c" -o "$pdir/a64-O0-g/$s.o")
      objs+=("$pdir/a64-O0-g/$s.o")
    done
    $A64_CC -static -o "$TMP/$prog-a64-O0-g" "${objs[@]}"
    echo "$prog/a64-O0-g: ${#objs[@]} objects, compiled"
  fi
done

# ---------------------------------------------------------------- -libc=target programs

# Programs that need the target's own C runtime (pyjitlink -libc=target): threads and
# signals. One flavour per architecture, both linked -static: O2 (x86-64, run natively;
# pyjitlink runs it under -emulate) and a64-O2 (AArch64, run under qemu-aarch64). Their runs
# are in <prog>/target-runs.txt (not runs.txt: the Python C library cannot run them) and
# <prog>/expected/ records stdout and the exit status of each (no stderr: a runner's own
# message for an uncaught signal lands there). Both builds must agree.
TARGET_PROGRAMS=(pthreads signals procs)
TARGET_CFLAGS="-std=gnu11 -O2 -g0 -Wall"
# Runs qemu-user 7.2 cannot reproduce, whose reference is the x86-64 static build alone:
# procs' vfork (qemu runs CLONE_VM|CLONE_VFORK as a plain fork, so a posix_spawn parent
# never sees its child's exec error, and a vfork child on the parent's stack hangs it) and
# robust (qemu has no set_robust_list: the waiter for a dead owner's mutex waits for ever).
QEMU_DIFFERS="procs:vfork procs:robust"

echo
for prog in "${TARGET_PROGRAMS[@]}"; do
  pdir="$HERE/$prog"
  rm -rf "$pdir/O2" "$pdir/expected"
  mkdir -p "$pdir/O2" "$pdir/expected"
  printf 'cflags: %s\nldflags: -static\nrun: pyjitlink -libc=target -emulate\n' \
    "$TARGET_CFLAGS" >"$pdir/O2/cflags"
  objs=()
  for f in "$pdir"/src/*.c; do
    s="$(basename "$f" .c)"
    (cd "$pdir/src" && $CC $TARGET_CFLAGS -c "$s.c" -o "$pdir/O2/$s.o")
    objs+=("$pdir/O2/$s.o")
  done
  $CC -static -o "$TMP/$prog-O2" "${objs[@]}"
  run_listed target-runs.txt "$prog" "$TMP/$prog-O2" "$pdir/expected"
  echo "$prog/O2: ${#objs[@]} objects, compiled and run"
  if [ -z "$a64_missing" ]; then
    rm -rf "$pdir/a64-O2"
    mkdir -p "$pdir/a64-O2"
    printf 'arch: aarch64\ncc: %s\ncflags: %s\nldflags: -static\nrun: %s\n' \
      "$(basename "$A64_CC")" "$TARGET_CFLAGS" "$(basename "$QEMU_AARCH64")" >"$pdir/a64-O2/cflags"
    objs=()
    for f in "$pdir"/src/*.c; do
      s="$(basename "$f" .c)"
      (cd "$pdir/src" && $A64_CC $TARGET_CFLAGS -c "$s.c" -o "$pdir/a64-O2/$s.o")
      objs+=("$pdir/a64-O2/$s.o")
    done
    $A64_CC -static -o "$TMP/$prog-a64-O2" "${objs[@]}"
    rdir="$TMP/out-$prog-a64-O2"
    SKIP_RUNS="$QEMU_DIFFERS" run_listed target-runs.txt "$prog" "$TMP/$prog-a64-O2" "$rdir" \
      "$QEMU_AARCH64"
    for skipped in $QEMU_DIFFERS; do
      if [ "${skipped%%:*}" = "$prog" ]; then cp "$pdir/expected/${skipped#*:}".* "$rdir/"; fi
    done
    if ! diff -r "$pdir/expected" "$rdir" >"$TMP/diff" 2>&1; then
      echo "MISMATCH: $prog flavour a64-O2 differs from the x86-64 expected output:" >&2
      head -n 40 "$TMP/diff" >&2
      status=1
    fi
    echo "$prog/a64-O2: ${#objs[@]} objects, compiled and run"
  fi
done

# ---------------------------------------------------------------- target-runtime programs

# C++ programs for -libc=target (the emulated process on the target's own glibc, libstdc++
# and libgcc_eh): exceptions across objects, iostream, static constructors and destructors.
# The Python C library cannot run them, so their runs are in <prog>/target-runs.txt, not
# runs.txt.  O2 (x86-64, g++) and a64-O2 (aarch64-linux-gnu-g++) objects; both are linked
# -static, and the AArch64 build runs under qemu; <prog>/expected/ is the x86-64 static
# build's output, which the AArch64 one must equal.
CXX_TARGET_PROGRAMS=(cxxrt)
CXX="${CXX:-g++}"
A64_CXX="${A64_CXX:-aarch64-linux-gnu-g++}"
CXXFLAGS_TARGET="-std=gnu++17 -O2 -Wall"

echo
for prog in "${CXX_TARGET_PROGRAMS[@]}"; do
  pdir="$HERE/$prog"
  rm -rf "$pdir/O2" "$pdir/expected"
  mkdir -p "$pdir/O2"
  printf 'cc: %s\ncflags: %s\nldflags: -static\n' "$CXX" "$CXXFLAGS_TARGET" >"$pdir/O2/cflags"
  objs=()
  for f in "$pdir"/src/*.cpp; do
    s="$(basename "$f" .cpp)"
    (cd "$pdir/src" && $CXX $CXXFLAGS_TARGET -c "$s.cpp" -o "$pdir/O2/$s.o")
    objs+=("$pdir/O2/$s.o")
  done
  $CXX -static -o "$TMP/$prog-O2" "${objs[@]}"
  RUNS_FILE=target-runs.txt run_all "$prog" "$TMP/$prog-O2" "$pdir/expected"
  echo "$prog/O2: ${#objs[@]} objects, compiled and run"
  if [ -z "$a64_missing" ]; then
    rm -rf "$pdir/a64-O2"
    mkdir -p "$pdir/a64-O2"
    printf 'arch: aarch64\ncc: %s\ncflags: %s\nldflags: -static\nrun: %s\n' \
      "$(basename "$A64_CXX")" "$CXXFLAGS_TARGET" "$(basename "$QEMU_AARCH64")" >"$pdir/a64-O2/cflags"
    objs=()
    for f in "$pdir"/src/*.cpp; do
      s="$(basename "$f" .cpp)"
      (cd "$pdir/src" && $A64_CXX $CXXFLAGS_TARGET -c "$s.cpp" -o "$pdir/a64-O2/$s.o")
      objs+=("$pdir/a64-O2/$s.o")
    done
    $A64_CXX -static -o "$TMP/$prog-a64-O2" "${objs[@]}"
    RUNS_FILE=target-runs.txt run_all "$prog" "$TMP/$prog-a64-O2" "$TMP/$prog-a64-expected" \
      "$QEMU_AARCH64"
    if ! diff -r "$pdir/expected" "$TMP/$prog-a64-expected" >/dev/null; then
      echo "$prog/a64-O2: output differs from the x86-64 build's" >&2
      status=1
    fi
    echo "$prog/a64-O2: ${#objs[@]} objects, compiled and run"
  fi
done

reloc_types() {
  xargs -0 readelf -rW | grep -E '^[0-9a-f]{16} ' | awk '{print $3}' | sort | uniq -c | sort -rn
}
echo
echo "distinct relocation types over all x86-64 objects:"
find "$HERE" -name '*.o' -not -path '*/a64-*' -not -path '*/macho-*' -print0 | reloc_types
echo
echo "distinct relocation types over all AArch64 objects:"
find "$HERE" -name '*.o' -path '*/a64-*' -print0 | reloc_types
if command -v "$LLVM_READOBJ" >/dev/null 2>&1; then
  for kind in x86_64:'*/macho-O*' arm64:'*/macho-a64-*'; do
    echo
    echo "distinct relocation types over all Mach-O ${kind%%:*} objects:"
    find "$HERE" -name '*.o' -path "${kind#*:}" -print0 | xargs -0 "$LLVM_READOBJ" -r |
      grep -oE '(X86_64|ARM64)_RELOC_[A-Z0-9_]+' | sort | uniq -c | sort -rn
  done
fi

exit $status
