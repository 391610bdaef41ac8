#!/usr/bin/env bash
# Scale: synthetic designs with 10, 100 and 1,000 operations (bench/gen),
# timed with hyperfine and measured for peak RSS with GNU time, for every
# tradeoff command that reads a design, next to `cue vet` of the same
# design in the same run. Updates the "scale" section of BENCHMARKS.md.
#
#   bench/scale.sh             every command that exists
#   bench/scale.sh review      one command (its rows are replaced, others kept)
#
# SIZES (default "10 100 1000") sets the sizes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
SIZES=${SIZES:-10 100 1000}

cd "$REPO"
work=bench/results/scale
rm -rf "$work" && mkdir -p "$work"
tradeoff=bench/.bin/tradeoff
cue=bench/.bin/cue
"$tradeoff" schema >"$work/schema.cue"

want=("$@")
if [ ${#want[@]} -eq 0 ]; then
	want=(validate estimate review diagram)
fi
commands=()
for c in "${want[@]}"; do
	if has_command "$c"; then
		commands+=("$c")
	elif [ $# -gt 0 ]; then
		echo "tradeoff has no $c command yet" >&2
		exit 2
	fi
done

# The command line that times one tradeoff command on a design.
command_line() {
	case $1 in
	diagram) echo "$tradeoff diagram -f svg $2" ;;
	*) echo "$tradeoff $1 $2" ;;
	esac
}

for n in $SIZES; do
	design=$work/ops$n.cue
	go run ./bench/gen -ops "$n" >"$design"
	"$cue" export --out yaml "$design" >"$work/ops$n.yaml"
	runs=$((n >= 1000 ? 10 : 20))
	labels=("cue vet")
	lines=("$cue vet -c -d '#Design' $work/schema.cue $work/ops$n.yaml")
	for c in "${commands[@]}"; do
		labels+=("$c")
		lines+=("$(command_line "$c" "$design")")
	done
	args=()
	: >"$work/ops$n.cmds"
	: >"$work/ops$n.rss"
	for i in "${!labels[@]}"; do
		args+=(-n "${labels[$i]}" "${lines[$i]}")
		printf '%s\t%s\n' "${labels[$i]}" "${lines[$i]}" >>"$work/ops$n.cmds"
	done
	echo "== $n operations"
	hyperfine -N -i --warmup 2 --runs "$runs" --style basic --export-json "$work/ops$n.json" "${args[@]}" | grep -E '^(Benchmark|  Time)'
	# Peak resident set size: the median of three runs of each command.
	for i in "${!labels[@]}"; do
		for r in 1 2 3; do
			# shellcheck disable=SC2086 # the command line is split on purpose
			/usr/bin/time -f "%M" -o "$work/rss.tmp" ${lines[$i]//\'/} >/dev/null 2>&1 || true
			printf '%s\t%s\n' "${labels[$i]}" "$(tail -1 "$work/rss.tmp")" >>"$work/ops$n.rss"
		done
	done
done

bench/.bin/benchreport scale "$work" | tee "$work/section.md"
write_section scale -key 2 <"$work/section.md"
echo "updated the scale section of BENCHMARKS.md"
