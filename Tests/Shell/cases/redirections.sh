# Redirections: files, appending, descriptors, duplication, closing, order.
echo first > out.txt
echo second >> out.txt
cat < out.txt
echo "lines: $(wc -l < out.txt)"
echo replaced > out.txt; cat out.txt
ls no-such-file > both.txt 2>&1; echo "ls status $?"
sed 's/^.*no-such-file.*$/error captured/' both.txt
ls no-such-file 2>&1 > only-stdout.txt | sed 's/^.*no-such-file.*$/error went to the pipe/'
echo "stdout file has $(wc -c < only-stdout.txt) bytes"
exec 3> fd3.txt
echo "via fd 3" >&3
echo "again fd 3" >&3
exec 3>&-
cat fd3.txt
exec 4< fd3.txt
read line <&4; echo "read from fd 4: $line"
read line <&4; echo "read from fd 4: $line"
exec 4<&-
echo "to stderr" 2>err.txt >&2
cat err.txt
{ echo out; echo err >&2; } > split-out.txt 2> split-err.txt
echo "out: $(cat split-out.txt) err: $(cat split-err.txt)"
cat <<EOF >> out.txt
appended by a here-document
EOF
cat out.txt
echo hello > rw.txt
exec 5<> rw.txt
read word <&5; echo "rw read: $word"
echo world >&5
exec 5>&-
cat rw.txt
set -C
(echo clobber > out.txt) 2> ../discard || echo "noclobber refused"
echo forced >| out.txt; cat out.txt
set +C
> empty.txt; echo "empty has $(wc -c < empty.txt) bytes"
echo "x" 1> one.txt; cat one.txt
cat missing.txt 2> ../discard; echo "missing status $?"
( echo "subshell out"; echo "subshell err" >&2 ) 2>&1 | sort
while read l; do echo "loop: $l"; done < out.txt > loop.txt; cat loop.txt
