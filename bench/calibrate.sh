#!/usr/bin/env bash
# Calibration: what `tradeoff estimate` predicts for one instance against
# what that instance does. For each target — bench/refserver (gomap) and,
# once `tradeoff scaffold` exists, the generated shortener's warm redirect —
# it measures the CPU per request at a low constant rate, writes it into a
# calibration design (bench/calibrate/*.cue.in), lets the estimator predict
# saturation throughput and p99 at 70% load, then measures both: saturation
# with wrk, p99 with vegeta at a constant rate. The instance runs on core 1,
# the load generator on core 0. Updates the "calibration" section.
#
#   bench/calibrate.sh              every target
#   bench/calibrate.sh shortener    one target (its rows replaced, others kept)
#
# LOW_RATE (default 1000/s) and LOW_DURATION (15s) for the CPU measurement;
# SAT_DURATION (10s) for saturation; P70_DURATION (20s) for the p99.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
LOW_RATE=${LOW_RATE:-1000}
LOW_DURATION=${LOW_DURATION:-15s}
SAT_DURATION=${SAT_DURATION:-10s}
P70_DURATION=${P70_DURATION:-20s}
CODES=${CODES:-100000}

cd "$REPO"
work=$RESULTS/calibrate
rm -rf "$work" && mkdir -p "$work"
go build -o "$BENCH_BIN/seed" ./bench/seed
. "$REPO/bench/servers.sh"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(gomap)
	if has_command scaffold; then targets+=(shortener); else echo "tradeoff has no scaffold command yet: calibrating on the Go map server only" >&2; fi
fi
clk=$(getconf CLK_TCK)
cpu_ticks() { # cpu_ticks PID: user+system CPU of the process, in ticks (0 without a PID)
	if [ -n "${1:-}" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi
}

echo "== loopback round trip (redis-cli --latency, 3 s)"
timeout -s INT 3 redis-cli --latency --csv >"$work/rtt.csv" || true
cat "$work/rtt.csv"

calibrate() { # calibrate TARGET ADDR APP_PID WORKER_PID
	local target=$1 addr=$2 app=$3 worker=${4:-} base=$work/$1
	echo "== $target: seeding $CODES links"
	"$BENCH_BIN/seed" -url "http://$addr" -n "$CODES" -o "$base.codes"
	awk -v a="$addr" '{print "GET http://" a "/" $1}' "$base.codes" >"$base.targets"
	taskset -a -pc 1 "$app" >/dev/null
	# Every code once, so the warm path is warm.
	taskset -c 0 wrk -t1 -c64 -d5s -s bench/wrk/shortener.lua "http://$addr" -- sequential "$base.codes" 1 | grep RESULT

	echo "== $target: CPU per request at $LOW_RATE requests/s"
	# The click worker runs for this phase only, to measure its CPU per
	# click; during the saturation runs it would take the load generator's
	# core (its work would run on other machines in production).
	[ -z "$worker" ] || taskset -a -pc 0 "$worker" >/dev/null
	local a0 w0
	a0=$(cpu_ticks "$app") w0=$(cpu_ticks "$worker")
	taskset -c 0 vegeta attack -rate="$LOW_RATE/s" -duration="$LOW_DURATION" -targets="$base.targets" -redirects=-1 >"$base.low.bin"
	[ -z "$worker" ] || sleep 2 # the last clicks reach the worker
	echo "$(($(cpu_ticks "$app") - a0)) $(($(cpu_ticks "$worker") - w0)) $clk" >"$base.cpu"
	[ -z "$worker" ] || stop_pid "$worker"
	vegeta report -type=json "$base.low.bin" >"$base.low.json"
	local st wt
	read -r st wt < <(bench/.bin/benchreport measure "$work" "$target")
	echo "CPU per request ${st} µs, worker CPU per request ${wt} µs"

	echo "== $target: prediction"
	local rtt
	rtt=$(cut -d, -f3 "$work/rtt.csv")
	if [ "$target" = gomap ]; then
		bench/.bin/benchreport predict -tradeoff bench/.bin/tradeoff -template bench/calibrate/gomap.cue.in -variant "one tier" \
			-service-time-us "$st" -work-time-us "$wt" -rtt-ms "$rtt" -o "$base.design" >"$base.design.predicted.json"
	else
		bench/.bin/benchreport predict -tradeoff bench/.bin/tradeoff -template bench/calibrate/shortener.cue.in \
			-variant "click through services, queue, workers, database (as examples/shortener.cue)" \
			-click-path '["services", "queue", "workers", "database"]' \
			-service-time-us "$st" -work-time-us "$wt" -rtt-ms "$rtt" -o "$base.example" >"$base.example.predicted.json"
		bench/.bin/benchreport predict -tradeoff bench/.bin/tradeoff -template bench/calibrate/shortener.cue.in \
			-variant "click through queue and workers only" -click-path '["queue", "workers"]' \
			-service-time-us "$st" -work-time-us "$wt" -rtt-ms "$rtt" -o "$base.direct" >"$base.direct.predicted.json"
	fi
	grep -h -E '"(saturation_rps|p99_ms|bottleneck)"' "$base".*.predicted.json

	echo "== $target: saturation (wrk, closed loop)"
	taskset -c 0 wrk -t1 -c64 -d"$SAT_DURATION" --timeout 2s -s bench/wrk/shortener.lua "http://$addr" -- random "$base.codes" 1 | grep RESULT | tee "$base.sat.txt"
	local sat rate
	sat=$(sed -E 's/.* rps=([0-9.]+).*/\1/' "$base.sat.txt")
	rate=$(awk -v s="$sat" 'BEGIN{printf "%d", 0.7 * s}')
	echo "== $target: p99 at 70% of saturation, $rate requests/s (vegeta, constant rate)"
	taskset -c 0 vegeta attack -rate="$rate/s" -duration="$P70_DURATION" -targets="$base.targets" -redirects=-1 >"$base.p70.bin"
	vegeta report -type=json "$base.p70.bin" >"$base.p70.json"
	vegeta report "$base.p70.bin" | sed -n 1,4p # sed, not head: no SIGPIPE under pipefail
	bench/.bin/benchreport measure "$work" "$target" >/dev/null
}

for t in "${targets[@]}"; do
	case $t in
	gomap)
		start_refserver 127.0.0.1:8091
		calibrate gomap 127.0.0.1:8091 "${pids[-1]}"
		;;
	shortener)
		reset_bench_db
		scaffold_shortener bench/service/shortener.cue "$work/app"
		start_worker
		worker_pid=${pids[-1]}
		[ -x "$app_dir/worker" ] || worker_pid=
		start_app 127.0.0.1:8093
		calibrate shortener 127.0.0.1:8093 "$last_app_pid" "$worker_pid"
		;;
	*)
		echo "unknown target $t: choose gomap or shortener" >&2
		exit 2
		;;
	esac
done

bench/.bin/benchreport calib "$work" | tee "$work/section.md"
write_section calibration -key 3 <"$work/section.md"
echo "updated the calibration section of BENCHMARKS.md"
