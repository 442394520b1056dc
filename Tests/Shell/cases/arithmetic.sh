# $((...)) arithmetic and expr.
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((7 % 3)) $((-7 / 2)) $((-7 % 3))
echo $((2 ** 10)) $((1 << 4)) $((256 >> 2)) $((6 & 3)) $((6 | 3)) $((6 ^ 3)) $((~0))
echo $((3 > 2)) $((3 < 2)) $((2 == 2)) $((2 != 2)) $((1 && 0)) $((1 || 0)) $((!5))
echo $((5 > 3 ? 10 : 20)) $((0x10)) $((010)) $((2#101)) $((36#z))
x=5
echo $((x + 1)) $(($x * 2)) $((x += 3)) $x $((x++)) $x $((++x)) $((x--)) $x
y=$((x * x))
: $((y -= 1)) ; echo $y
echo $((9223372036854775807)) $((9223372036854775807 + 1))
n=0; i=1
while [ $i -le 100 ]; do n=$((n + i)); i=$((i + 1)); done
echo sum=$n
fact=1; for k in 1 2 3 4 5 6 7 8 9 10; do fact=$((fact * k)); done; echo fact=$fact
echo $(expr 2 + 3) $(expr 10 - 4) $(expr 6 \* 7) $(expr 17 / 5) $(expr 17 % 5)
echo $(expr 3 \< 5) $(expr 5 = 5) $(expr abc \< abd)
echo $(expr length hello) $(expr substr hello 2 3) $(expr index hello l) $(expr hello : 'hel\(.*\)')
expr 0 + 0 >out; echo "expr zero status $?"; cat out
expr 1 / 0 2>../discard; echo "division by zero status $?"
(echo $((1 / 0))) 2>../discard; echo "shell division by zero status $?"
