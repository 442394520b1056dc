# Exit statuses: builtins, subshells, lists, functions, not found.
true; echo "true $?"
false; echo "false $?"
(exit 3); echo "subshell exit $?"
(exit 255); echo "255 kept $?"
(exit 256); echo "256 wraps $?"
sh -c 'exit 42'; echo "child shell $?"
nosuchcommand 2>../discard; echo "not found $?"
echo "#!/bin/sh" > noexec.sh
./noexec.sh 2>../discard; echo "not executable $?"
true && echo "and runs"; false && echo "not printed"; echo "and-list status $?"
false || echo "or runs"; true || echo "not printed"; echo "or-list status $?"
false && true || echo "mixed list"
f() { return 12; }; f; echo "function return $?"
g() { false; }; g; echo "function falls through $?"
h() { (exit 5); }; h; echo "function last subshell $?"
if (exit 2); then echo yes; else echo "if saw $?"; fi
case x in y) ;; esac; echo "case no match $?"
for i in; do :; done; echo "empty for $?"
while false; do :; done; echo "while never $?"
v=$(exit 9); echo "assignment from substitution $?"
test 1 -eq 2; echo "test false $?"
[ 1 -eq 1 ]; echo "bracket true $?"
[ 1 -eq ] 2>../discard; echo "bracket error $?"
expr 1 + 1 > ../discard; echo "expr nonzero result $?"
expr 1 - 1 > ../discard; echo "expr zero result $?"
grep -q zzz <<EOF
abc
EOF
echo "grep no match $?"
grep -q zzz missing-file 2> ../discard; echo "grep error $?"
kill -0 $$; echo "kill -0 self $?"
sh -c 'kill -TERM $$'; echo "killed by TERM $?"
sh -c 'exit 1' && echo no || echo "or after failing child"
exit 17
echo "not reached"
