# set -e and set -u: where a failure ends the shell and where it does not.
( set -e; false; echo "not reached" ); echo "set -e subshell stopped: $?"
( set -e; false || true; echo "or-list keeps going" )
( set -e; if false; then :; fi; echo "if condition keeps going" )
( set -e; while false; do :; done; echo "while condition keeps going" )
( set -e; ! true; echo "negation keeps going" )
( set -e; false && true; echo "and-list keeps going" )
( set -e; x=$(false); echo "not reached after failed assignment" ); echo "assignment stopped: $?"
( set -e; f() { false; echo "not reached in function"; }; f; echo "not reached" ); echo "function stopped: $?"
( set -e; f() { false; echo "reached: function in condition"; }; if f; then :; fi )
( set -e; (exit 4); echo "not reached" ); echo "nested subshell stopped: $?"
( set -e; false | true; echo "pipeline status is the last command" )
( set -e; set +e; false; echo "set +e turns it off" )
( set -u; echo "$undefined_var" ) 2> ../discard; echo "set -u stopped: $?"
( set -u; echo "${undefined_var:-default is fine}" )
( set -u; echo "${#}" )
( set -e; trap 'echo "EXIT trap runs on set -e exit"' EXIT; false )
echo "end: $?"
