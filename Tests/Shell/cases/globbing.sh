# Pathname expansion: *, ?, brackets, dotfiles, no match, quoting, set -f.
touch apple.txt banana.txt cherry.log .hidden a1 a2 b3 'with space'
mkdir sub; touch sub/inner.txt
echo *
echo *.txt
echo ?1 ??
echo [ab]*
echo [!ab]*
echo [a-c]?
echo .*[!.]
echo */*.txt
echo nomatch*
echo "*" '*.txt'
for f in *space*; do echo "[$f]"; done
set -f
echo *
set +f
echo *.log
x='*.txt'; echo $x; echo "$x"
echo sub/*
case banana.txt in b*.txt) echo "case glob matches";; esac
[ -e *.log ] && echo "single match test"
ls -d a? | tr '\n' ' '; echo
