#!/bin/sh
# The guest side of the network level (Toolkit/Sources/ApusKit/NetworkLevel.swift), run as init
# with a virtio-net card on QEMU's user network. It configures lo and eth0 the way busybox does
# (ifconfig, route), shows what it configured, then serves:
#   - busybox httpd on port 80 from /www: empty (0 B), 1k, 1m and 64m (the 1 MiB file 64 times);
#   - nc -l on port 7000: what the host sends is hashed into /www/upload.sum;
#   - nc -l on port 7001: sends /net/1m to whoever connects.
# /www/ready appears once everything listens; the host stops the machine when it is done.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc 2>/dev/null
ifconfig lo 127.0.0.1 up || echo "NETLEVEL-FAIL ifconfig lo"
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up || echo "NETLEVEL-FAIL ifconfig eth0"
route add default gw 10.0.2.2 || echo "NETLEVEL-FAIL route add default"
echo "NETLEVEL-IFCONFIG-BEGIN"
ifconfig eth0
echo "NETLEVEL-ROUTE-BEGIN"
cat /proc/net/route
echo "NETLEVEL-CONFIG-END"
mkdir -p /www
: > /www/empty
cp /net/1k /www/1k
cp /net/1m /www/1m
i=0
while [ $i -lt 64 ]; do cat /net/1m; i=$((i + 1)); done > /www/64m
httpd -p 80 -h /www || echo "NETLEVEL-FAIL httpd"
(nc -l -p 7000 < /dev/null | sha256sum > /tmp/upload.sum && mv /tmp/upload.sum /www/upload.sum) &
(nc -l -p 7001 < /net/1m > /dev/null) &
sleep 1
echo ready > /www/ready
echo "NETLEVEL-READY"
while true; do sleep 10; done
