# Parameter expansion, positional parameters, quoting and field splitting.
unset empty
name=world
blank=
echo "1 ${name} ${empty:-default} ${blank:-blankdefault} ${blank-unset-only}"
echo "2 ${name:+set} [${empty:+set}] ${#name}"
: ${assigned:=now} ; echo "3 $assigned"
path=/usr/local/lib/libfoo.so.1
echo "4 ${path#*/} ${path##*/} ${path%.*} ${path%%.*}"
echo "5 ${path/lib/LIB} ${path//lib/LIB}"
echo "6 ${name:1:3} ${name:2}"
(echo "7 ${missing?is required}") 2>&1 | sed 's/^.*missing/missing/'
set -- a "b c" d
echo "8 $# $1 $2 $3"
for arg in "$@"; do echo "9 <$arg>"; done
for arg in $*; do echo "10 <$arg>"; done
for arg in "$*"; do echo "11 <$arg>"; done
shift
echo "12 $# $1"
set -- $(echo one two three)
echo "13 $# $3"
list="x:y::z"
old_ifs=$IFS
IFS=:
for part in $list; do echo "14 <$part>"; done
IFS=$old_ifs
words="  leading and   trailing  "
set -- $words
echo "15 $# [$1] [$4]"
echo "16 [$words]"
a=1 b=2
echo "17 $a$b ${a}x$b"
readonly fixed=1
(fixed=2) 2>../discard || echo "18 readonly refused"
export exported=yes
sh -c 'echo "19 child sees $exported and [${name:-nothing}]"'
echo "20 $((1 + 2))" '$((1 + 2))' "\$((1 + 2))"
