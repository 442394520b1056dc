# Subshells and groups: isolation of variables, cwd and traps; exit statuses.
umask 022
x=parent
(x=child; echo "inside $x")
echo "after subshell $x"
{ x=group; }
echo "after group $x"
mkdir -p deep/er
(cd deep/er && echo "subshell cwd ends in ${PWD##*/}")
echo "parent cwd ends in ${PWD##*/}"
(exit 3); echo "exit status $?"
(false); echo "false status $?"
( (exit 4) ); echo "nested status $?"
(exit 300); echo "wrapped status $?"
result=$( (echo out; exit 5) ); echo "captured [$result] status $?"
(echo one; echo two) | (read first; read second; echo "read $first then $second")
echo "pid stays: $( [ "$$" = "$(echo $$)" ] && echo same )"
(set -- p q r; echo "subshell args $#")
echo "script args $#"
(umask 077; umask) ; umask
(trap 'echo subshell exit trap' EXIT; echo in subshell)
echo back
val=$(x=inner; echo $x); echo "$val $x"
(echo to-stderr >&2) 2>&1 | sed 's/^/piped: /'
{ echo a; echo b; } > grouped.txt; cat grouped.txt
echo $( (echo deep) )
i=0; while [ $i -lt 3 ]; do (i=99); i=$((i + 1)); done; echo "loop i $i"
