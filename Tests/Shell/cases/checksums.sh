# Checksums and encodings of known content: sha256sum, sha1sum, md5sum,
# crc32, base64, xxd/od dumps, and checking a sum file.
printf '' > empty
printf 'abc' > abc
printf 'The quick brown fox jumps over the lazy dog\n' > fox
seq 1 1000 > numbers
sha256sum empty abc fox numbers
sha1sum abc fox
md5sum empty abc fox
sha512sum abc | cut -c 1-32
crc32 abc fox
sha256sum abc fox > sums.txt
sha256sum -c sums.txt
printf 'changed' > abc
sha256sum -c sums.txt 2>../discard; echo "check after change: $?"
printf 'hello world' | base64
printf 'aGVsbG8gd29ybGQ=' | base64 -d; echo
printf '\000\001\002\377binary' | base64 | base64 -d | od -An -tx1
printf 'xyz' | xxd
printf 'dump me\n' | od -An -tx1
printf 'abc' | sha256sum
cat numbers | md5sum
head -c 100 numbers | wc -c
