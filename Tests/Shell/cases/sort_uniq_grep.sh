# sort, uniq and grep: orders, keys, counts, regular expressions, statuses.
cat > data.txt <<'EOF'
banana 3 yellow
apple 10 red
cherry 7 red
apple 2 green
date 10 brown
Banana 1 yellow
elderberry 25 black
EOF
sort data.txt
echo "--"
sort -r data.txt | head -n 2
sort -k2,2n data.txt
echo "--"
sort -k2,2nr -k1,1 data.txt
echo "--"
sort -f data.txt | head -n 3
sort -u -k3,3 data.txt
echo "--"
cut -d' ' -f3 data.txt | sort | uniq -c
cut -d' ' -f1 data.txt | sort | uniq -d
cut -d' ' -f1 data.txt | sort | uniq -u
printf '10\n9\n100\n-1\n1e2\n' | sort -n
printf 'b:2\na:1\nc:3\n' | sort -t: -k2 -r
echo "-- grep"
grep red data.txt
grep -c red data.txt
grep -v -e red -e yellow data.txt
grep -n apple data.txt
grep -i banana data.txt
grep -w date data.txt
grep -E '^(apple|cherry) ' data.txt
grep -o '[0-9][0-9]*' data.txt | tr '\n' ' '; echo
grep -x 'date 10 brown' data.txt
grep 'e.*e' data.txt
grep -l red data.txt missing.txt 2> ../discard; echo "status with a missing file $?"
grep -q black data.txt && echo "quiet match"
grep nothing data.txt; echo "no match $?"
grep -F 'a.b' <<EOF
a.b literal
axb not literal
EOF
grep '^$' -c <<EOF
one

three

EOF
grep -A1 cherry data.txt
grep -B1 cherry data.txt
