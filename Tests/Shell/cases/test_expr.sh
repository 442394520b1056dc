# test / [ : strings, numbers, files, combinations; and expr.
check() { if "$@"; then echo "true:  $*"; else echo "false: $*"; fi; }
check [ abc = abc ]
check [ abc != abc ]
check [ -z "" ]
check [ -n "" ]
check [ abc ]
check [ "" ]
check [ 10 -eq 10 ]
check [ 10 -ne 10 ]
check [ 9 -lt 10 ]
check [ 9 -gt 10 ]
check [ -5 -le -5 ]
check [ 11 -ge 2 ]
check [ abc \< abd ]
check [ b \> a ]
check test ! -z x
check [ 1 -eq 1 -a 2 -eq 3 ]
check [ 1 -eq 1 -o 2 -eq 3 ]
check [ \( 1 -eq 2 \) -o \( 3 -eq 3 \) ]
mkdir dir; echo data > file; : > empty; ln -s file link; ln -s missing dangling
chmod 644 file; chmod 755 dir
check [ -e file ]
check [ -e nothing ]
check [ -f file ]
check [ -f dir ]
check [ -d dir ]
check [ -s file ]
check [ -s empty ]
check [ -L link ]
check [ -h dangling ]
check [ -e dangling ]
check [ -r file ]
check [ -x dir ]
check [ file -ef link ]
check [ -t 0 ]
check [ 0 -eq 00 ]
[ 1 -eq x ] 2>../discard; echo "bad integer status $?"
[ 2>../discard; echo "missing bracket status $?"
echo "-- expr"
expr 1 + 2
expr 10 \* 10 - 1
expr 7 / 2 \* 2
expr \( 1 + 2 \) \* 3
expr 5 \> 3
expr abc = abc
expr abc : 'a\(.\)c'
expr abcdef : '.*'
expr length "some string"
expr substr abcdef 3 2
expr index abcdef dc
expr 0 \| 7
expr 3 \& 0
expr -5 + 2
