# find in a known tree, and xargs building command lines.
mkdir -p t/src/lib t/doc t/.hidden
for f in t/src/main.c t/src/util.c t/src/lib/a.h t/doc/readme.txt t/doc/notes.txt t/.hidden/secret; do
    echo "content of $f" > "$f"
done
: > t/src/empty.c
ln -s ../doc/readme.txt t/src/readme-link
find t | sort
echo "-- names"
find t -name '*.c' | sort
find t -type d | sort
find t -type l
find t -type f -empty
find t -path '*lib*' | sort
find t -maxdepth 1 | sort
find t -mindepth 2 -type f | sort
find t -name '*.txt' -o -name '*.h' | sort
find t ! -name '*.c' -type f | sort
find t -size +0 -type f -name '*.c' | sort
echo "-- exec"
find t -name '*.h' -exec cat {} \;
find t -name '*.txt' -exec echo found {} + | tr ' ' '\n' | sort
echo "-- xargs"
find t -name '*.c' | sort | xargs wc -c
printf '1 2 3 4 5 6 7\n' | xargs -n 3 echo
printf 'a\nb\nc\n' | xargs -I{} echo "item {}"
printf 'x y z' | xargs echo start
printf 'one\0two words\0' | xargs -0 -n 1 echo
echo | xargs echo "empty input still runs once:"
printf 'q\n' | xargs -t echo 2>&1
find t -name '*.c' -print0 | sort -z | xargs -0 grep -l content
find t -type f | sort | xargs grep -c content | head -n 2
