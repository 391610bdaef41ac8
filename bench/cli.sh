#!/usr/bin/env bash
# CLI start to finish: every tradeoff command that reads a design, on every
# example, against the stock `cue vet` of the same design and schema, in the
# same hyperfine run. Updates the "cli" section of BENCHMARKS.md.
#
#   bench/cli.sh               all examples
#   bench/cli.sh shortener     one example (its rows are replaced, others kept)
#
# ROUNDS (default 3) hyperfine runs of RUNS (default 30) executions each.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-30}

cd "$REPO"
work=bench/results/cli
rm -rf "$work" && mkdir -p "$work"
tradeoff=bench/.bin/tradeoff
cue=bench/.bin/cue
"$tradeoff" schema >"$work/schema.cue"

examples=()
if [ $# -eq 0 ]; then
	for f in examples/*.cue examples/*.yaml examples/*.yml examples/*.json; do
		[ -f "$f" ] && examples+=("$f")
	done
else
	for name in "$@"; do
		# shortener is examples/shortener.cue; shortener-yaml its YAML twin.
		f=examples/$name.cue
		[[ $name == *-* && ! -f $f ]] && f=examples/${name%-*}.${name##*-}
		[ -f "$f" ] || { echo "no example named $name in examples/" >&2; exit 2; }
		examples+=("$f")
	done
fi

for f in "${examples[@]}"; do
	name=$(basename "$f")
	name=${name%.cue}
	name=${name/./-}
	data=$f
	if [ "${f##*.}" = cue ]; then
		data=$work/$name.yaml
		"$cue" export --out yaml "$f" >"$data"
	fi
	labels=("cue vet" "validate")
	cmds=("$cue vet -c -d '#Design' $work/schema.cue $data" "$tradeoff validate $f")
	if [ "$data" != "$f" ]; then
		labels+=("validate (YAML form)")
		cmds+=("$tradeoff validate $data")
	fi
	for c in estimate review; do
		if has_command "$c"; then
			labels+=("$c")
			cmds+=("$tradeoff $c $f")
		fi
	done
	args=()
	: >"$work/$name.cmds"
	for i in "${!labels[@]}"; do
		args+=(-n "${labels[$i]}" "${cmds[$i]}")
		printf '%s\t%s\n' "${labels[$i]}" "${cmds[$i]}" >>"$work/$name.cmds"
	done
	for r in $(seq "$ROUNDS"); do
		echo "== $name, round $r of $ROUNDS"
		hyperfine -N -i --warmup 3 --runs "$RUNS" --style basic --export-json "$work/$name.$r.json" "${args[@]}" | grep -E '^(Benchmark|  Time)'
	done
done

bench/.bin/benchreport cli -runs "$RUNS" "$work"/*.[0-9]*.json | tee "$work/section.md"
write_section cli -key 2 <"$work/section.md"
echo "updated the cli section of BENCHMARKS.md"
