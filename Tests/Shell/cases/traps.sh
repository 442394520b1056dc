# trap: EXIT, signals sent to ourselves, ignoring, resetting, listing.
trap 'echo "exit trap runs last, status $?"' EXIT
trap 'echo "caught USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "caught TERM"; caught=yes' TERM
kill -TERM $$
echo "TERM handled: ${caught:-no}"
trap '' USR2
kill -USR2 $$
echo "USR2 ignored"
trap - USR1
trap 'echo "HUP one"' HUP
kill -HUP $$
trap 'echo "HUP two"' HUP
kill -HUP $$
trap
(trap 'echo "subshell exit trap"' EXIT; echo "in subshell")
trap 'echo "parent caught USR1 from a subshell"' USR1
(kill -USR1 $$)
echo "after the subshell"
sh -c 'trap "echo child caught INT" INT; kill -INT $$; echo child continues'
sh -c 'kill -USR2 $$; echo "inherited ignore keeps child alive"'
count=0
trap 'count=$((count + 1))' USR1
for i in 1 2 3; do kill -USR1 $$; done
echo "USR1 counted $count"
f() { trap 'echo "trap set in function"' USR2; }
f
kill -USR2 $$
exit 3
