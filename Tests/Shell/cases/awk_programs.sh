# awk: fields, patterns, BEGIN/END, variables, arrays, functions, printf.
cat > sales.txt <<'EOF'
north widget 10 2.50
south gadget 3 10.00
north gadget 7 10.00
east widget 1 2.50
south widget 12 2.50
west gizmo 0 99.99
EOF
awk '{ print $2, $1 }' sales.txt | head -n 2
awk '$3 > 5' sales.txt
awk '$1 == "north" { n++ } END { print "north rows:", n }' sales.txt
awk '{ total += $3 * $4 } END { printf "total %.2f\n", total }' sales.txt
awk '{ by[$1] += $3 } END { for (r in by) print r, by[r] }' sales.txt | sort
awk 'NR == 2, NR == 4 { print NR ": " $0 }' sales.txt
awk 'END { print NR " rows, last has " NF " fields" }' sales.txt
awk -F: '{ print $1 "/" $NF }' <<EOF
a:b:c
single
EOF
awk 'BEGIN { OFS = "-" } { $1 = $1; print }' <<EOF
x y   z
EOF
awk 'BEGIN { printf "%5s|%-5s|%05d|%.3f|%x|%c|%%\n", "ab", "cd", 42, 3.14159, 255, 65 }'
awk 'BEGIN { s = "Hello, World"; print length(s), substr(s, 1, 5), index(s, "World"), toupper(s), tolower(s) }'
awk 'BEGIN { n = split("a,b,,c", parts, ","); print n; for (i = 1; i <= n; i++) printf "[%s]", parts[i]; print "" }'
awk 'BEGIN { s = "aaa bbb aaa"; n = gsub(/aaa/, "x", s); print n, s; sub(/x/, "y", s); print s }'
awk 'BEGIN { if (match("foo123bar", /[0-9]+/)) print RSTART, RLENGTH }'
awk 'BEGIN { x = sprintf("%03d-%s", 7, "z"); print x }'
awk 'function sq(v) { return v * v } BEGIN { print sq(12), sq(-3) }'
awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { print fact(10) }'
awk 'BEGIN { print 7 / 2, int(7 / 2), 7 % 3, -7 % 3, int(-3.7) }'
awk 'BEGIN { print 1e3, 0.1 + 0.2 == 0.3, 100000 * 100000, 1 / 3 }'
awk 'BEGIN { print ("10" < "9"), (10 < 9), ("abc" < "abd") }'
awk '/gadget/ { next } { print $1 }' sales.txt | tr '\n' ' '; echo
awk '{ $3 = $3 * 2 } 1' sales.txt | head -n 1
awk -v prefix=">> " '{ print prefix $1 }' sales.txt | head -n 1
awk 'BEGIN { while (i < 3) { i++; printf "%d ", i } do { i-- } while (i > 0); print "done", i }'
awk 'BEGIN { for (;;) { if (++k > 4) break }; print k }'
awk 'BEGIN { a["x"] = 1; delete a["x"]; print ("x" in a), length(a) }'
awk '{ lines[NR] = $0 } END { for (i = NR; i > NR - 2; i--) print lines[i] }' sales.txt
printf 'one two\nthree\n' | awk '{ words += NF; chars += length($0) + 1 } END { print NR, words, chars }'
echo "5 apples" | awk '{ print $1 + 0, $2 + 0, "3x" + 0 }'
awk 'BEGIN { getline line < "sales.txt"; print "first:", line }'
awk 'BEGIN { print "to a file" > "awk-out.txt" }'; cat awk-out.txt
awk 'BEGIN { cmd = "echo from a command"; cmd | getline r; close(cmd); print r }'
awk 'BEGIN { print substr("abc", 0, 2), substr("abc", 2), substr("abc", 5) "|" }'
