#!/bin/sh
# Runs case scripts and prints what each printed between marker lines, for a program on the
# other side of a serial console (or a pipe) to compare: the toolkit runs this inside Apus as
# init, and on the host, and diffs each case against its .expected file (Tests/Shell) or against
# the host's output (Tests/Applets). Cases run exactly as run-host.sh runs them: in a fresh
# scratch directory holding NAME.sh and an empty directory `work`, from `work`, as
# `busybox sh ../NAME.sh` with only PATH=/nonexistent HOME=/ LC_ALL=C TZ=UTC0, stdin an empty
# file, a time limit, and "[exit N]" appended to stdout.
#
# Usage: run-cases.sh CASES_DIR SCRATCH_DIR [NAME...]   (default: every CASES_DIR/*.sh)
# Environment: BUSYBOX (default /bin/busybox), APUS_SHELL_TIMEOUT (seconds, default 60).
#
# Output, per case:
#   @@case begin NAME
#   <stdout, ending with the line "[exit N]">
#   @@case stderr NAME
#   <first 20 lines of stderr>
#   @@case end NAME
# and "@@case done" after the last one. One case crashing or hanging cannot hide the others:
# the reader sees which case began and did not end.

cases=$1
scratch=$2
shift 2
busybox=${BUSYBOX:-/bin/busybox}
limit=${APUS_SHELL_TIMEOUT:-60}

# On a serial console, output processing would turn \n into \r\n: ask for the bytes as they are.
stty -opost 2>/dev/null

names="$*"
if [ -z "$names" ]; then
    for file in "$cases"/*.sh; do
        name=${file##*/}
        names="$names ${name%.sh}"
    done
fi

for name in $names; do
    dir=$scratch/$name
    mkdir -p "$dir/work"
    cp "$cases/$name.sh" "$dir/$name.sh"
    : >"$dir/stdin"
    echo "@@case begin $name"
    (
        cd "$dir/work" &&
        timeout -k 5 "$limit" env -i PATH=/nonexistent HOME=/ LC_ALL=C TZ=UTC0 \
            "$busybox" sh "../$name.sh" <"$dir/stdin" >"$dir/stdout" 2>"$dir/stderr"
        echo "[exit $?]" >>"$dir/stdout"
    )
    cat "$dir/stdout"
    echo "@@case stderr $name"
    head -n 20 "$dir/stderr"
    echo
    echo "@@case end $name"
done
echo "@@case done"
