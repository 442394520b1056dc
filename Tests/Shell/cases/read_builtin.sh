# The read builtin: splitting, IFS, -r, the last variable, loops, pipes.
read a b c <<EOF
one two three four five
EOF
echo "a=$a b=$b c=$c"
read only <<EOF
  leading and trailing spaces  
EOF
echo "[$only]"
IFS= read -r raw <<EOF
  kept exactly \n as is  
EOF
echo "[$raw]"
read -r backslash <<'EOF'
a\b\\c
EOF
echo "raw: $backslash"
read cooked <<'EOF'
a\b\\c
EOF
echo "cooked: $cooked"
IFS=: read user pass uid gid rest <<EOF
root:x:0:0:root:/root:/bin/sh
EOF
echo "user=$user uid=$uid gid=$gid rest=$rest"
read missing1 missing2 <<EOF
single
EOF
echo "m1=[$missing1] m2=[$missing2]"
n=0
while IFS=, read -r name value; do
    n=$((n + 1))
    echo "$n: $name -> $value"
done <<EOF
alpha,1
beta,2,3
gamma
EOF
printf 'x\ny\n' | while read line; do last=$line; done
echo "after pipe loop: [${last:-unset}]"
read nothing <<EOF
EOF
echo "empty input status $? [$nothing]"
printf 'no newline at end' > partial.txt
read part < partial.txt; echo "partial status $? [$part]"
{ read first; read second; } <<EOF
line 1
line 2
EOF
echo "$second / $first"
read -r first rest <<EOF
   spaced    out   words
EOF
echo "first=[$first] rest=[$rest]"
