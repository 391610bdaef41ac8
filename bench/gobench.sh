#!/usr/bin/env bash
# Go benchmarks of the pipeline stages (bench/pipeline_test.go), run for a
# base commit and for the working tree in the same run, interleaved, and
# compared with benchstat. Updates the "gobench" section of BENCHMARKS.md.
#
#   bench/gobench.sh            base: main
#   bench/gobench.sh HEAD~1     base: any commit
#
# COUNT (default 6) runs of each; BENCH (default .) selects benchmarks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
BASE=${1:-main}
COUNT=${COUNT:-6}
BENCH=${BENCH:-.}

cd "$REPO"
work=$RESULTS/gobench
rm -rf "$work" && mkdir -p "$work/base"
base_commit=$(git rev-parse --short "$BASE")
# The base's code with today's benchmarks, so both sides run the same ones.
git archive "$BASE" | tar -x -C "$work/base"
rm -rf "$work/base/bench" && mkdir -p "$work/base/bench"
cp bench/pipeline_test.go "$work/base/bench/" && cp -r bench/synth "$work/base/bench/"
# Every iteration starts from cold memos, as one CLI run does. A base that
# predates estimator.ResetMemos gets one written into its copy: it empties
# the memo of Che's results where the base has it (and nothing otherwise).
cp bench/memo_test.go "$work/base/bench/"
if ! grep -q '^func ResetMemos' "$work"/base/estimator/*.go; then
	{
		printf 'package estimator\n\n// ResetMemos is written by bench/gobench.sh into a base that lacks it.\nfunc ResetMemos() {\n'
		if grep -q '^	cheMemo = map\[\[3\]float64\]float64{}' "$work"/base/estimator/*.go; then
			printf '\tcheMu.Lock()\n\tcheMemo = map[[3]float64]float64{}\n\tcheMu.Unlock()\n'
		fi
		printf '}\n'
	} >"$work/base/estimator/zz_resetmemos.go"
fi
(cd "$work/base" && go test -c -o "$work/base.test" ./bench/)
go test -c -o "$work/head.test" ./bench/
for i in $(seq "$COUNT"); do
	echo "== run $i of $COUNT"
	(cd "$work/base/bench" && "$work/base.test" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1) | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$work/base.txt"
	(cd bench && "$work/head.test" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1) | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$work/head.txt"
done
(cd "$work" && benchstat "base=base.txt" "head=head.txt") | tee "$work/benchstat.txt"

{
	echo "## Go benchmarks of the pipeline"
	echo
	echo "\`go test -bench\` on \`bench/pipeline_test.go\`: the loader (parse, unify with \`#Design\`, validate, decode, check) and every later stage that exists, on the shortener example and on synthetic designs of 10, 100 and 1,000 operations. The base commit and the working tree run interleaved, $COUNT times each, in the same run; benchstat compares them (base: \`$BASE\` at $base_commit). Rerun: \`bench/gobench.sh $BASE\`."
	echo
	bench/.bin/benchreport machine
	echo
	echo '```'
	cat "$work/benchstat.txt"
	echo '```'
} | write_section gobench
echo "updated the gobench section of BENCHMARKS.md"
