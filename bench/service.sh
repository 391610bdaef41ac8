#!/usr/bin/env bash
# The generated URL shortener under load, next to two references in the
# same run: nginx answering `return 302` (the ceiling for a redirect here)
# and a minimal Go net/http server redirecting from an in-memory map
# (bench/refserver). The shortener is scaffolded from
# bench/service/shortener.cue and runs against the machine's PostgreSQL,
# Redis and NATS JetStream. wrk loads 127.0.0.1 only, for DURATION each.
# Updates the "service" section of BENCHMARKS.md.
#
#   bench/service.sh                every scenario
#   bench/service.sh shortener-warm one scenario (plus its reference)
#
# Scenarios: nginx-302, gomap-warm, gomap-create, shortener-warm (redirects
# of codes already in the in-process LRU and Redis), shortener-redis (the
# same with the in-process LRU off, so every hit is a Redis GET),
# shortener-cold (every code asked once: a cache miss each time) and
# shortener-create (POST /api/links). Two configurations: "shared" (wrk -t2
# and the servers share both cores) and "pinned" (wrk -t1 on core 0, the
# server processes on core 1; PostgreSQL, Redis and NATS are the machine's
# and stay unpinned).
#
# ROUNDS (default 3) rounds of every scenario, interleaved so drift hits all
# alike; DURATION (default 10s); CONFIGS (default "shared pinned").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONFIGS=${CONFIGS:-shared pinned}
WARM_CODES=${WARM_CODES:-100000}
COLD_CODES=${COLD_CODES:-300000}
CONNS=${CONNS:-64}

cd "$REPO"
work=$RESULTS/service
rm -rf "$work" && mkdir -p "$work"
go build -o "$BENCH_BIN/seed" ./bench/seed

all=(nginx-302 gomap-warm shortener-warm shortener-redis shortener-cold gomap-create shortener-create)
if [ $# -gt 0 ]; then
	scenarios=("$@")
	for s in "${scenarios[@]}"; do
		[[ " ${all[*]} " == *" $s "* ]] || { echo "unknown scenario $s: choose from ${all[*]}" >&2; exit 2; }
	done
	# The reference of every ratio is measured in the same run.
	[[ " ${scenarios[*]} " == *" gomap-warm "* ]] || scenarios=(gomap-warm "${scenarios[@]}")
else
	scenarios=("${all[@]}")
fi
wants() { [[ " ${scenarios[*]} " == *" $1 "* ]]; }
wants_shortener() { [[ " ${scenarios[*]} " == *" shortener-"* ]]; }

. "$REPO/bench/servers.sh"
REF=127.0.0.1:8091 NGINX=127.0.0.1:8092 APP=127.0.0.1:8093 APPREDIS=127.0.0.1:8094
start_refserver "$REF"
start_nginx "$NGINX" "$work/nginx"

if wants_shortener; then
	if ! has_command scaffold; then
		echo "tradeoff has no scaffold command yet: measuring the references only" >&2
		scenarios=($(printf '%s\n' "${scenarios[@]}" | grep -v '^shortener-'))
	else
		echo "== scaffolding bench/service/shortener.cue"
		scaffold_shortener bench/service/shortener.cue "$work/app"
		start_worker
		start_app "$APP"
		echo "== seeding $WARM_CODES + $COLD_CODES links"
		"$BENCH_BIN/seed" -url "http://$APP" -n "$WARM_CODES" -o "$work/warm.codes"
		"$BENCH_BIN/seed" -url "http://$APP" -n "$COLD_CODES" -o "$work/cold.codes"
		# Nothing the seeding cached may survive: restart with empty
		# process memory and an empty Redis database.
		stop_apps
		redis-cli -n 9 flushdb >/dev/null
		start_app "$APP"
		start_app "$APPREDIS" LOCAL_CACHE_SIZE=0
		# Split the cold codes so that no code is asked twice in the run.
		nconf=$(wc -w <<<"$CONFIGS")
		split -n "l/$((nconf * ROUNDS))" -d -a 3 "$work/cold.codes" "$work/cold."
		echo "== warming the cache with every warm code"
		wrk -t2 -c"$CONNS" -d10s -s bench/wrk/shortener.lua "http://$APP" -- sequential "$work/warm.codes" 2 | grep RESULT
		wrk -t2 -c"$CONNS" -d5s -s bench/wrk/shortener.lua "http://$APPREDIS" -- sequential "$work/warm.codes" 2 | grep RESULT
	fi
fi
if wants gomap-warm; then
	"$BENCH_BIN/seed" -url "http://$REF" -n "$WARM_CODES" -o "$work/ref.codes" >/dev/null
fi

# pin CONFIG: the servers on core 1 (pinned) or on every core (shared);
# run_wrk places the load generator.
pin() {
	if [ "$1" = pinned ]; then pin_servers 1; else pin_servers "0-$(($(nproc) - 1))"; fi
}

run_wrk() { # run_wrk CONFIG URL ARGS... : one wrk run, its RESULT line
	local config=$1 url=$2
	shift 2
	if [ "$config" = pinned ]; then
		taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 2s -s bench/wrk/shortener.lua "$url" -- "$@" 1
	else
		wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 2s -s bench/wrk/shortener.lua "$url" -- "$@" 2
	fi | grep '^RESULT'
}

slice=0
for config in $CONFIGS; do
	pin "$config"
	for r in $(seq "$ROUNDS"); do
		for s in "${scenarios[@]}"; do
			out="$work/$config.$s.$r.txt"
			case $s in
			nginx-302) run_wrk "$config" "http://$NGINX" random "$work/ref.codes" >"$out" ;;
			gomap-warm) run_wrk "$config" "http://$REF" random "$work/ref.codes" >"$out" ;;
			gomap-create) run_wrk "$config" "http://$REF" create >"$out" ;;
			shortener-warm) run_wrk "$config" "http://$APP" random "$work/warm.codes" >"$out" ;;
			shortener-redis) run_wrk "$config" "http://$APPREDIS" random "$work/warm.codes" >"$out" ;;
			shortener-cold)
				run_wrk "$config" "http://$APP" sequential "$(printf '%s/cold.%03d' "$work" "$slice")" >"$out"
				wc -l <"$(printf '%s/cold.%03d' "$work" "$slice")" | sed 's/^/codes=/' >>"$out"
				slice=$((slice + 1))
				;;
			shortener-create) run_wrk "$config" "http://$APP" create >"$out" ;;
			esac
			echo "$config round $r $s: $(cut -d' ' -f4-7 "$out" | head -1)"
		done
	done
done
pin shared

args=()
[ $# -gt 0 ] && args=(-scenarios "${scenarios[*]}")
bench/.bin/benchreport service -duration "$DURATION" -conns "$CONNS" -codes "$WARM_CODES" "${args[@]}" "$work" | tee "$work/section.md"
write_section service -key 3 <"$work/section.md"
echo "updated the service section of BENCHMARKS.md"
