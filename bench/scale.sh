#!/usr/bin/env bash
# Scale: synthetic designs with 10, 100 and 1,000 operations (bench/gen),
# timed with hyperfine and measured for peak RSS with GNU time, for every
# tradeoff command that reads a design, next to `cue vet` of the same
# design in the same run. Updates the "scale" section of BENCHMARKS.md.
#
#   bench/scale.sh             every command that exists
#   bench/scale.sh review      one command (its rows are replaced, others kept)
#
# SIZES (default "10 100 1000") sets the sizes. FORM=components measures
# designs written with components instead (go run ./bench/gen -components
# N -ops N: N components, N operations, call trees six deep; sizes 100 and
# 1000) and updates the "graphscale" section.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
FORM=${FORM:-sections}
case $FORM in
sections)
	prefix=ops section=scale
	SIZES=${SIZES:-10 100 1000}
	;;
components)
	prefix=components section=graphscale
	SIZES=${SIZES:-100 1000}
	;;
*)
	echo "FORM is sections or components, not $FORM" >&2
	exit 2
	;;
esac

cd "$REPO"
work=bench/results/$section
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
# A component design's diagram is also timed as DOT alone: the estimate
# and review it draws, without the layout.
if [ "$FORM" = components ] && [[ " ${commands[*]} " == *" diagram "* ]]; then
	commands+=(diagram-dot)
fi

# The command line that times one tradeoff command on a design.
command_line() {
	case $1 in
	diagram) echo "$tradeoff diagram -f svg $2" ;;
	diagram-dot) echo "$tradeoff diagram -f dot $2" ;;
	*) echo "$tradeoff $1 $2" ;;
	esac
}

for n in $SIZES; do
	design=$work/$prefix$n.cue
	if [ "$FORM" = components ]; then
		go run ./bench/gen -components "$n" -ops "$n" >"$design"
	else
		go run ./bench/gen -ops "$n" >"$design"
	fi
	"$cue" export --out yaml "$design" >"$work/$prefix$n.yaml"
	runs=$((n >= 1000 ? 10 : 20))
	if [ "$FORM" = components ]; then
		runs=$((n >= 1000 ? 5 : 10))
	fi
	labels=("cue vet")
	lines=("$cue vet -c -d '#Design' $work/schema.cue $work/$prefix$n.yaml")
	for c in "${commands[@]}"; do
		labels+=("$c")
		lines+=("$(command_line "$c" "$design")")
	done
	args=()
	: >"$work/$prefix$n.cmds"
	: >"$work/$prefix$n.rss"
	for i in "${!labels[@]}"; do
		args+=(-n "${labels[$i]}" "${lines[$i]}")
		printf '%s\t%s\n' "${labels[$i]}" "${lines[$i]}" >>"$work/$prefix$n.cmds"
	done
	echo "== $n $([ "$FORM" = components ] && echo components || echo operations)"
	hyperfine -N -i --warmup 2 --runs "$runs" --style basic --export-json "$work/$prefix$n.json" "${args[@]}" | grep -E '^(Benchmark|  Time)'
	# Peak resident set size: the median of three runs of each command.
	for i in "${!labels[@]}"; do
		for r in 1 2 3; do
			# shellcheck disable=SC2086 # the command line is split on purpose
			/usr/bin/time -f "%M" -o "$work/rss.tmp" ${lines[$i]//\'/} >/dev/null 2>&1 || true
			printf '%s\t%s\n' "${labels[$i]}" "$(tail -1 "$work/rss.tmp")" >>"$work/$prefix$n.rss"
		done
	done
done

bench/.bin/benchreport scale -form "$FORM" "$work" | tee "$work/section.md"
write_section "$section" -key 2 <"$work/section.md"
echo "updated the $section section of BENCHMARKS.md"
