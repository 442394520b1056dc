# sed: substitution, addresses, ranges, deletion, printing, hold space.
seq 1 10 > n.txt
sed -n '3,5p' n.txt | tr '\n' ' '; echo
sed '2,9d' n.txt | tr '\n' ' '; echo
sed -n '/^1/p' n.txt | tr '\n' ' '; echo
sed -n '$p' n.txt
echo "hello world hello" | sed 's/hello/bye/'
echo "hello world hello" | sed 's/hello/bye/g'
echo "hello world hello" | sed 's/hello/bye/2'
echo "path/to/file" | sed 's#/#::#g'
echo "abc123def" | sed 's/[0-9]\+/<&>/'
echo "john smith" | sed 's/\([a-z]*\) \([a-z]*\)/\2, \1/'
echo "john smith" | sed -E 's/([a-z]+) ([a-z]+)/\2 \1/'
echo "UPPER lower" | sed 'y/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/'
printf 'a\nb\nc\n' | sed -e 's/a/A/' -e 's/c/C/'
printf 'a\nb\nc\n' | sed '2i\
inserted'
printf 'a\nb\nc\n' | sed '2a\
appended'
printf 'a\nb\nc\n' | sed '2c\
changed'
printf 'keep\ndrop me\nkeep too\n' | sed '/drop/d'
printf 'one\ntwo\nthree\n' | sed -n '/two/{p;q}'
printf 'x\ny\nz\n' | sed -n '1!G;h;$p'
printf 'a b\n' | sed 's/ /\n/' 
printf 'first\nsecond\n' | sed '$!N;s/\n/+/'
printf 'count\nthe\nlines\n' | sed -n '$='
printf 'trailing   \n' | sed 's/ *$//' | od -An -c
printf 'line\n' > inplace.txt; sed -i 's/line/edited/' inplace.txt; cat inplace.txt
printf 'start\nmid\nend\nafter\n' | sed -n '/start/,/end/p'
echo "a.b.c" | sed 's/\./-/g'
echo "tab	separated" | sed 's/\t/<TAB>/'
