# busybox httpd and wget over 127.0.0.1: a small page and a 100000-line file arrive whole.
mkdir www
echo "hello from httpd" > www/index.html
seq 1 100000 > www/big.txt
busybox httpd -f -p 127.0.0.1:38273 -h www &
server=$!
sleep 1
busybox wget -q -O - http://127.0.0.1:38273/index.html
busybox wget -q -O got.txt http://127.0.0.1:38273/big.txt; echo "wget status $?"
cmp got.txt www/big.txt && echo "big file arrived whole"
busybox wget -q -O - http://127.0.0.1:38273/missing 2>&1; echo "missing status $?"
kill $server
wait $server 2>/dev/null
echo done
