# Command substitution: $(...) and backquotes, trailing newlines, splitting.
a=$(echo hello)
b=`echo world`
echo "$a $b"
lines=$(printf 'one\ntwo\n\n\n')
echo "[$lines]"
echo "nested: $(echo "outer $(echo "inner $(echo core)")")"
echo "backquote nested: `echo \`echo deep\``"
count=$(printf 'a\nb\nc\n' | wc -l)
echo "count $count"
set -- $(printf 'x y\tz\n')
echo "split into $#"
set -- "$(printf 'x y\tz\n')"
echo "quoted stays $#"
echo "arith of subst: $(( $(echo 6) * $(echo 7) ))"
empty=$(true)
echo "empty [$empty] length ${#empty}"
status=$(exit 7; echo never)
echo "status of assignment $?"
printf '%s\n' "$(printf 'keep\n  indentation\n')"
echo $(echo "  collapse    spaces  ")
echo "$(echo "  keep    spaces  ")"
file_content=$(cat <<'END'
from a here-document
inside a substitution
END
)
echo "$file_content"
echo "case in subst: $(case x in x) echo matched;; esac)"
echo "loop in subst: $(for i in 1 2 3; do printf $i; done)"
x=$(echo '$HOME is not expanded twice')
echo "$x"
