# cat, head, tail, cut, tr, wc, paste, rev, nl, fold on known text.
cat > poem.txt <<'EOF'
the quick brown fox
jumps over
the lazy dog
and runs away

to the forest
EOF
cat -n poem.txt | head -n 3
head -n 2 poem.txt
head -c 9 poem.txt; echo
tail -n 2 poem.txt
tail -n +5 poem.txt
tail -c 7 poem.txt
wc poem.txt
wc -l < poem.txt; wc -w < poem.txt; wc -c < poem.txt
cut -d ' ' -f 2 poem.txt
cut -d ' ' -f 1,3 poem.txt | head -n 1
cut -c 1-5 poem.txt | head -n 2
cut -c 5- poem.txt | head -n 1
echo "a:b:c:d" | cut -d: -f2-
tr a-z A-Z < poem.txt | head -n 1
echo "hello world" | tr -d lo
echo "aaabbbccc   spaces" | tr -s 'a-c '
echo "swap 123" | tr 0-9 a-j
echo "Mixed CASE text" | tr '[:upper:]' '[:lower:]'
echo "keep only digits 4 2 a1" | tr -cd '0-9\n'
printf '1\n2\n3\n' | paste -s -d,
paste -d' ' poem.txt poem.txt | head -n 1
echo "stressed" | rev
nl -b a poem.txt | tail -n 2
echo "abcdefghijklmnopqrstuvwxyz" | fold -w 10
expand poem.txt > ../discard && echo "expand ok"
printf 'x\ty\n' | expand -t 4
od -c poem.txt | head -n 2
printf 'ABC' | od -An -tx1
printf 'line\r\n' | dos2unix | od -An -c
