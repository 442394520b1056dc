# Background jobs with wait, and string loops in plain shell.
sleep 0.2 &
bg=$!
wait $bg; echo "background exit $?"
(exit 6) &
wait $!; echo "background failure $?"
for i in 1 2 3; do (echo "job $i" > job$i.out) & done
wait
cat job1.out job2.out job3.out
reverse() {
    local s=$1 out=
    while [ -n "$s" ]; do
        rest=${s#?}
        out=${s%"$rest"}$out
        s=$rest
    done
    echo "$out"
}
reverse "hello, world"
count_char() {
    local s=$1 c=$2 n=0
    while [ -n "$s" ]; do
        [ "${s%"${s#?}"}" = "$c" ] && n=$((n + 1))
        s=${s#?}
    done
    echo "$n"
}
echo "s appears $(count_char mississippi s) times"
words="the cat sat on the mat with the hat"
n=0; for w in $words; do n=$((n + 1)); done; echo "$n words"
set -- $words; echo "third word $3, last ${9}"
upper=$(echo "$words" | tr a-z A-Z); echo "$upper"
i=0; s=""
until [ $i -ge 5 ]; do s="$s$i"; i=$((i + 1)); done
echo "built $s"
csv="k1=v1;k2=v2;k3=v3"
old=$IFS; IFS=';'
for kv in $csv; do echo "key ${kv%%=*} value ${kv#*=}"; done
IFS=$old
padded=$(printf '%-10s|' left); echo "$padded"
line=$(printf '%*s' 20 '' | tr ' ' '-'); echo "$line"
