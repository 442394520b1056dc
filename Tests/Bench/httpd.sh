#!/bin/sh
# The guest side of the httpd benchmark rows (Toolkit/Sources/ApusKit/Bench/BenchHTTP.swift), the
# same script on Apus (as init) and on Linux (run by its module-loading init): configure lo and
# eth0 on QEMU's user network the way busybox does, serve a 1 KiB page with busybox httpd on
# port 80, say so, and wait; the host drives the load with ab and then stops the machine.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc 2>/dev/null
ifconfig lo 127.0.0.1 up || echo "BENCH_HTTP_FAIL ifconfig lo"
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up || echo "BENCH_HTTP_FAIL ifconfig eth0"
route add default gw 10.0.2.2 || echo "BENCH_HTTP_FAIL route add default"
mkdir -p /www
i=0
while [ $i -lt 16 ]; do
    echo "apus httpd benchmark page: sixteen lines of sixty-four bytes..."
    i=$((i + 1))
done > /www/index.html
httpd -p 80 -h /www || echo "BENCH_HTTP_FAIL httpd"
echo "BENCH_HTTP_READY"
while true; do sleep 10; done
