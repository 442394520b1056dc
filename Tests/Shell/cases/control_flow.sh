# if/elif/else, case patterns, for/while/until, break and continue.
classify() {
    if [ "$1" -lt 0 ]; then echo "$1 negative"
    elif [ "$1" -eq 0 ]; then echo "$1 zero"
    elif [ "$1" -lt 10 ]; then echo "$1 small"
    else echo "$1 large"; fi
}
for n in -5 0 7 42; do classify $n; done
for word in apple Banana cherry 42 x.tar.gz "" '*' -v; do
    case $word in
        [aeiou]*) kind=vowel ;;
        [A-Z]*) kind=capital ;;
        *.tar.gz|*.tgz) kind=tarball ;;
        [0-9]|[0-9][0-9]) kind=number ;;
        '') kind=empty ;;
        '*') kind=star ;;
        -*) kind=option ;;
        *) kind=other ;;
    esac
    echo "[$word] $kind"
done
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; echo "while $i"; done
until [ $i -le 0 ]; do echo "until $i"; i=$((i - 2)); done
for outer in 1 2 3; do
    for inner in a b c; do
        [ $inner = b ] && [ $outer = 2 ] && continue 2
        [ $outer = 3 ] && break 2
        echo "$outer$inner"
    done
done
for x; do echo never; done
for x in; do echo never; done
count=0
while :; do count=$((count + 1)); [ $count -ge 3 ] && break; done
echo "count $count"
if false; then :; else echo "else taken"; fi
if ! false; then echo "negation"; fi
[ -z "" ] && echo "and list" || echo "not reached"
false || echo "or list"
{ echo grouped; echo commands; } | wc -l
