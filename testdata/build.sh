#!/usr/bin/env bash
# Rebuild the pyjitlink test corpus: compile every program in several
# code-generation flavours into relocatable objects, link each flavour with
# gcc, run it, and record the expected stdout/stderr/exit code.
#
# Usage: testdata/build.sh            (from anywhere; idempotent)
#
# Executables are built in a temporary directory and never committed.
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

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "compiler: $("$CC" --version | head -n1)"

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
    mkdir -p "$rdir"
    while read -r run args; do
      [ -z "$run" ] && continue
      case "$run" in \#*) continue ;; esac
      set +e
      # shellcheck disable=SC2086
      (cd "$pdir" && "$exe" $args >"$rdir/$run.stdout" 2>"$rdir/$run.stderr")
      echo $? >"$rdir/$run.rc"
      set -e
    done <"$pdir/runs.txt"

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

echo
echo "distinct relocation types over all objects:"
find "$HERE" -name '*.o' -print0 | xargs -0 readelf -rW |
  grep -E '^[0-9a-f]{16} ' | awk '{print $3}' | sort | uniq -c | sort -rn

exit $status
