# A 100000-line file: seq, wc, head/tail, sums, sort, checksums, grep counts.
seq 1 100000 > f
wc -l f
wc -c < f
head -n 3 f | tr '\n' ' '; echo
tail -n 3 f | tr '\n' ' '; echo
sed -n '50000p' f
awk '{ s += $1 } END { print s }' f
sort -rn f | head -n 2 | tr '\n' ' '; echo
sort f | head -n 3 | tr '\n' ' '; echo
grep -c 7 f
grep -c '^9*$' f
sha256sum < f
seq 100000 -7 1 | tail -n 1
seq -s, 1 5
seq 0 0.25 1
cat f f | wc -l
tac f | head -n 1
head -n 30000 f > part.a; tail -n +30001 f > part.b
wc -l part.a part.b
cat part.a part.b | cmp - f && echo "the pieces rejoin"
rm f part.*
ls
