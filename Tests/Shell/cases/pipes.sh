# Pipelines: data flow, exit statuses, negation, pipefail, long pipelines.
echo "a b c" | tr ' ' '\n' | sort -r | tr '\n' ' '; echo
seq 1 10 | grep 3 ; echo "grep status $?"
seq 1 10 | grep 11 ; echo "no match status $?"
false | true; echo "last command decides: $?"
true | false; echo "last command decides: $?"
! true; echo "negated true: $?"
! false; echo "negated false: $?"
set -o pipefail
false | true; echo "pipefail: $?"
(exit 3) | (exit 0) | true; echo "pipefail rightmost failure: $?"
true | true; echo "pipefail success: $?"
set +o pipefail
seq 1 20000 | sed 's/$/ line/' | grep -c line
seq 1 5 | while read n; do echo $((n * n)); done | paste -s -d+ | sed 's/$/=/'
printf '%s\n' pear apple fig apple pear apple | sort | uniq -c | sort -rn | head -n 2
yes abc | head -n 3
seq 1 100000 | tail -n 1
echo "piped" | cat | cat | cat | cat | cat | cat | cat | cat
x=before; echo after | read x; echo "read in pipeline keeps [$x]"
echo "stdin of group" | { read a; echo "group got $a"; }
seq 1 3 | (while read n; do echo "sub $n"; done; echo "sub done")
