# Here-documents: expansion, quoting, tab stripping, redirection into loops.
name=apus
cat <<EOF
expanded: $name $((2 + 2)) $(echo sub)
escaped: \$name \`date\` back\\slash
EOF
cat <<'EOF'
literal: $name $((2 + 2)) $(echo sub) \$name
EOF
cat <<"EOF"
double-quoted delimiter is literal too: $name
EOF
	cat <<-EOF
	tabs stripped: $name
		every leading tab is stripped
	EOF
while read -r left right; do
    echo "pair <$left> <$right>"
done <<EOF
a 1
b 2 extra
c
EOF
sum=0
while read n; do sum=$((sum + n)); done <<EOF
10
20
30
EOF
echo "sum $sum"
cat <<A; cat <<B
first document
A
second document
B
show() { cat <<EOF
in function: $1
EOF
}
show arg
cat <<EOF | tr a-z A-Z
piped here-document
EOF
tr a-z A-Z <<EOF > upper.txt
written to a file
EOF
cat upper.txt
cat <<EOF
EOF
echo "empty document above"
cat <<END_WITH_SUFFIX
line with END inside
END_WITH_SUFFIX
for i in 1 2; do
    cat <<EOF
document in loop $i
EOF
done
