# mkdir, cp, mv, rm, ln, touch, chmod on a known tree, shown with ls -l
# reduced to mode, links, size and name (no owners, dates or block sizes).
umask 022
# Directories show only their mode and name: their sizes and link counts depend on the file system.
listing() {
    ls -l "$@" | awk 'NF >= 9 {
        line = ($1 ~ /^d/) ? $1 : $1 " " $2 " " $5
        for (i = 9; i <= NF; i++) line = line " " $i
        print line
    }'
}
mkdir -p tree/a/b/c tree/empty
printf 'hello\n' > tree/hello.txt
printf '0123456789' > tree/a/ten.bin
seq 1 1000 > tree/a/b/numbers.txt
: > tree/a/b/c/zero
ln -s hello.txt tree/link
ln tree/hello.txt tree/hard
chmod 600 tree/a/ten.bin
chmod 755 tree/a/b/numbers.txt
listing tree
listing tree/a/b
echo "-- copies"
cp tree/hello.txt tree/copy.txt
cp -r tree/a tree/a-copy
cp -p tree/a/ten.bin tree/ten-kept.bin
listing tree/a-copy tree/ten-kept.bin tree/copy.txt
cmp tree/a/b/numbers.txt tree/a-copy/b/numbers.txt && echo "copies are identical"
echo "-- moves"
mv tree/copy.txt tree/moved.txt
mv tree/a-copy tree/empty/
ls tree tree/empty
echo "-- links"
readlink tree/link
cat tree/link
echo "hard links now $(ls -l tree/hello.txt | awk '{print $2}')"
rm tree/hard
echo "hard links after rm $(ls -l tree/hello.txt | awk '{print $2}')"
ln -sf moved.txt tree/link; readlink tree/link
echo "-- removal"
rm tree/moved.txt
rm -r tree/empty/a-copy
rmdir tree/empty && echo "empty directory removed"
rmdir tree/a 2>../discard || echo "non-empty directory kept"
rm -rf tree/a
ls tree
rm tree/nonexistent 2>../discard || echo "rm of a missing file fails: $?"
rm -f tree/nonexistent && echo "rm -f does not"
echo "-- modes"
touch tree/modes
for m in 644 600 755 4755 1777 000; do chmod $m tree/modes; echo "$m $(ls -l tree/modes | awk '{print $1}')"; done
chmod u+x,g-r,o= tree/modes 2>../discard; chmod 640 tree/modes; chmod u+x tree/modes; ls -l tree/modes | awk '{print $1}'
mkdir -m 700 tree/private; ls -ld tree/private | awk '{print $1}'
stat -c '%a %s %n' tree/hello.txt tree/modes
echo "-- sizes"
wc -c tree/hello.txt
truncate -s 100 tree/grown
wc -c < tree/grown
find tree | sort
