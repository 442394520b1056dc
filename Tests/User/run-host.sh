#!/bin/sh
# Runs every built user-space regression program natively on this host's
# Linux kernel, both libcs, each under a timeout. Prints each program's
# result line prefixed by its libc, then "N passed, M failed".
# Exits non-zero if any program failed, crashed, timed out or printed no
# result line. A program that prints "SKIP <sub>/<name>: why" (and exits 0)
# did not find what it needs here (the block programs' pattern disk) and is
# counted as neither.
#
# Usage: Tests/User/run-host.sh [OUT] [FILTER]
#   OUT     directory given to the Makefile (default: <repo>/out/user)
#   FILTER  only run programs whose "<subsystem>/<name>" contains FILTER
# Environment: APUS_TEST_TIMEOUT (seconds per program, default 60)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../out/user}
filter=${2:-}
limit=${APUS_TEST_TIMEOUT:-60}

if [ ! -d "$out/musl" ] && [ ! -d "$out/glibc" ]; then
    echo "run-host.sh: no binaries under $out (run make -C Tests/User first)" >&2
    exit 2
fi

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for libc in musl glibc; do
    [ -d "$out/$libc" ] || continue
    for bin in $(cd "$out/$libc" && find . -type f -perm -u+x | sed 's|^\./||' | sort); do
        case "$bin" in *"$filter"*) ;; *) continue ;; esac
        (cd /tmp && timeout -k 5 "$limit" "$out/$libc/$bin") >"$log" 2>&1 </dev/null
        rc=$?
        result=$(grep -E '^(PASS|FAIL|SKIP) ' "$log" | tail -n 1)
        lines=$(grep -cE '^(PASS|FAIL|SKIP) ' "$log")
        if [ "$rc" -eq 0 ] && [ "$lines" -eq 1 ] && [ "${result#SKIP }" != "$result" ]; then
            skipped=$((skipped + 1))
            echo "$libc $result"
        elif [ "$rc" -eq 0 ] && [ "$lines" -eq 1 ] && [ "${result#PASS }" != "$result" ]; then
            passed=$((passed + 1))
            echo "$libc $result"
        else
            failed=$((failed + 1))
            if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
                why="timed out after ${limit}s"
            elif [ "$rc" -gt 128 ]; then
                why="killed by signal $((rc - 128))"
            else
                why="exit status $rc"
            fi
            if [ -n "$result" ] && [ "${result#FAIL }" != "$result" ]; then
                echo "$libc $result"
            else
                echo "$libc FAIL $bin: $why, $lines result lines"
            fi
            # Show anything else the program printed, for diagnosis.
            grep -vE '^(PASS|FAIL) ' "$log" | head -n 20 | sed 's/^/    | /'
        fi
    done
done

[ "$skipped" -eq 0 ] || echo "$skipped programs printed SKIP (what they need is not on this host)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
