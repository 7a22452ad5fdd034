#!/bin/sh
# Runs every `go test -fuzz` target of the module, one after another, for
# FUZZTIME each (default 3s; `make test` runs them for 2s: make
# fuzz-short), `make fuzz FUZZTIME=10m` for longer. Each package's test
# binary is built once with fuzzing instrumentation and run once per
# target, from the package's directory as `go test` would, so a failing
# input lands in its testdata/fuzz/ to be committed as a regression case.
# Set FUZZ to a regular expression to run only the matching targets.
set -eu

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-3s}
FUZZ=${FUZZ:-.}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=$($GO env GOCACHE)/fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Every directory with a fuzz target, once.
dirs=$(git grep --untracked -l -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' -- '*_test.go' | xargs -n1 dirname | sort -u)
count=0
flaked=0
start=$(date +%s)
for dir in $dirs; do
	targets=$(grep -h -o -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go | sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' | grep -E -- "$FUZZ" || true)
	[ -n "$targets" ] || continue
	pkg=$($GO list "./$dir")
	bin="$work/$(echo "$dir" | tr / _).test"
	$GO test -c -fuzz=. -o "$bin" "./$dir"
	for t in $targets; do
		echo "fuzz $pkg $t for $FUZZTIME"
		corpus="$dir/testdata/fuzz/$t"
		before=$(ls "$corpus" 2>/dev/null | wc -l)
		if ! (cd "$dir" && "$bin" -test.run='^$' -test.fuzz="^$t\$" -test.fuzztime="$FUZZTIME" -test.fuzzcachedir="$cache/$pkg" >"$work/out" 2>&1); then
			after=$(ls "$corpus" 2>/dev/null | wc -l)
			# Go before 1.27 can end a run whose -fuzztime expires while a
			# worker is busy with "context deadline exceeded" and no
			# failing input (go.dev/issue/75804): not a finding.
			if [ "$after" -eq "$before" ] && tail -n 3 "$work/out" | grep -q '^    context deadline exceeded$'; then
				echo "  (ended by go.dev/issue/75804 at the time limit, no failing input: not a failure)"
				flaked=$((flaked + 1))
			else
				cat "$work/out"
				echo "FAIL: fuzz target $t in ./$dir (a failing input is saved under $corpus/ when there is one)" >&2
				exit 1
			fi
		fi
		count=$((count + 1))
	done
done
echo "fuzzed $count targets for $FUZZTIME each in $(( $(date +%s) - start ))s ($flaked ended by go.dev/issue/75804)"
