# echo and printf: options, escapes, formats, padding, reuse of the format.
echo plain words   with   spaces
echo "quoted   spaces kept"
echo -n "no newline"; echo " (then one)"
echo -e 'tab:\there' 'newline:\nnext'
echo 'single $HOME `not run`'
echo "double \$ \" \\ \`"
echo
echo -- -n is printed after --
printf '%s|%s|%s\n' one two three
printf '%s\n' reuse the format for each
printf '[%5s][%-5s][%.2s]\n' ab ab abcdef
printf '[%d][%5d][%-5d][%05d][%+d]\n' 42 42 42 42 42
printf '[%x][%X][%o][%#x][%#o]\n' 255 255 8 255 8
printf '[%c][%%][%s]\n' xyz literal
printf '[%.3f][%8.2f][%e]\n' 3.14159 2.5 12345.678
printf '%b\n' 'a\tb\\c' 'x\041y'
printf 'no args: [%s] [%d]\n'
printf '%d\n' 0x1f 010 -7
printf '%s=%d\n' a 1 b 2 c
printf 'a\tb\n' | cut -f2
