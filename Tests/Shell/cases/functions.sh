# Functions: arguments, return status, local (dynamic scope), recursion.
greet() { echo "hello $1 ($# args)"; }
greet world
greet "two words" extra
status() { return $1; }
status 0; echo "status $?"
status 7; echo "status $?"
counter=0
bump() { counter=$((counter + 1)); }
bump; bump; echo "global counter $counter"
scope() { local counter=100; inner; echo "scope sees $counter"; }
inner() { counter=$((counter + 1)); }
scope; echo "after scope $counter"
shadow() { local x; x=inside; echo "shadow $x"; }
x=outside; shadow; echo "x is $x"
factorial() {
    if [ $1 -le 1 ]; then echo 1; return; fi
    local rest=$(factorial $(($1 - 1)))
    echo $(($1 * rest))
}
echo "10! = $(factorial 10)"
fib() {
    local n=$1
    if [ $n -lt 2 ]; then echo $n; return; fi
    echo $(( $(fib $((n - 1))) + $(fib $((n - 2))) ))
}
echo "fib 15 = $(fib 15)"
args() { echo "in function: $# [$*]"; shift; echo "after shift: $1"; }
set -- outer1 outer2
args a b c
echo "outer args still: $1 $2"
redefine() { echo first; }
redefine
redefine() { echo second; }
redefine
nested() { helper() { echo "helper defined inside"; }; helper; }
nested; helper
loop_return() { for i in 1 2 3; do [ $i = 2 ] && return $i; done; return 9; }
loop_return; echo "returned $?"
unset -f redefine
redefine 2>../discard || echo "redefine gone: $?"
