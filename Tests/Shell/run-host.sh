#!/bin/sh
# Runs every shell conformance case (cases/NAME.sh) with the host's busybox
# and compares what it prints with cases/NAME.expected.
#
# Each case runs as `busybox sh ../NAME.sh` from an empty directory `work`
# inside a fresh scratch directory, with a clean environment (PATH names no
# directory, so only busybox applets run), stdin from an empty file, and a
# timeout. Its stdout, followed by a line "[exit N]", must equal the
# expected file byte for byte; stderr is shown for failing cases only.
#
# Usage: Tests/Shell/run-host.sh [--update] [FILTER]
#   FILTER    only cases whose name contains it
#   --update  write the .expected files from this run instead (review them!)
# Environment: BUSYBOX (default: busybox on PATH, installed from the Debian
# package busybox-static if missing), APUS_SHELL_TIMEOUT (seconds, default 60).

here=$(cd "$(dirname "$0")" && pwd)
update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
filter=${1:-}
limit=${APUS_SHELL_TIMEOUT:-60}

busybox=${BUSYBOX:-$(command -v busybox || true)}
if [ -z "$busybox" ]; then
    echo "run-host.sh: installing busybox-static" >&2
    apt-get install -y busybox-static >/dev/null || exit 2
    busybox=$(command -v busybox)
fi
# The cases need a shell that runs applets before looking at PATH
# (FEATURE_SH_STANDALONE), as busybox-static does.
if ! env -i PATH=/nonexistent "$busybox" sh -c 'echo x | wc -c' >/dev/null 2>&1; then
    echo "run-host.sh: $busybox does not run applets without PATH (need busybox-static)" >&2
    exit 2
fi

passed=0
failed=0
scratch_root=$(mktemp -d)
trap 'rm -rf "$scratch_root"' EXIT

for case_file in "$here"/cases/*.sh; do
    name=$(basename "$case_file" .sh)
    case "$name" in *"$filter"*) ;; *) continue ;; esac
    scratch="$scratch_root/$name"
    mkdir -p "$scratch/work"
    cp "$case_file" "$scratch/$name.sh"
    : >"$scratch/stdin"
    (
        cd "$scratch/work" &&
        timeout -k 5 "$limit" env -i PATH=/nonexistent HOME=/ LC_ALL=C TZ=UTC0 \
            "$busybox" sh "../$name.sh" <"$scratch/stdin" >"$scratch/stdout" 2>"$scratch/stderr"
        echo "[exit $?]" >>"$scratch/stdout"
    )
    expected="$here/cases/$name.expected"
    if [ "$update" -eq 1 ]; then
        cp "$scratch/stdout" "$expected"
        echo "updated $name"
        continue
    fi
    if [ -f "$expected" ] && cmp -s "$scratch/stdout" "$expected"; then
        passed=$((passed + 1))
        echo "PASS shell/$name"
    else
        failed=$((failed + 1))
        echo "FAIL shell/$name"
        if [ -f "$expected" ]; then
            diff -u "$expected" "$scratch/stdout" | head -n 40 | sed 's/^/    | /'
        else
            echo "    | no $name.expected"
        fi
        head -n 20 "$scratch/stderr" | sed 's/^/    stderr: /'
    fi
done

if [ "$update" -eq 0 ]; then
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
fi
