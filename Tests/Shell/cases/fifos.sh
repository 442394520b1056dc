# Named pipes: mkfifo, opens that wait for the other side, EOF and the buffer going away.
umask 022
mkfifo f
ls -l f | awk '{ print $1, $2, $5, $NF }'
test -p f && echo "f is a FIFO"
(echo hi > f &)
cat f
echo second > f &
read line < f
echo "read: $line"
wait
{ echo one; echo two; echo three; } > f &
wc -l < f
wait
cat < f > copy &
printf 'a\nb\n' > f
wait
cat copy
mkfifo f 2>&1 | sed 's/^mkfifo: //'
rm f
test -e f || echo "f is gone"
