#!/usr/bin/env bash
# The generated URL shortener under load, next to references measured in
# the same run: nginx answering `return 302` (the ceiling for a redirect
# here), a minimal Go net/http server redirecting from an in-memory map
# (bench/refserver), and a hand-written cache-aside server (bench/refcache:
# Redis, then PostgreSQL). The shortener is scaffolded from
# bench/service/shortener.cue and runs against the machine's PostgreSQL,
# Redis and NATS JetStream. wrk loads 127.0.0.1 only, DURATION per run.
# Updates the "service" section of BENCHMARKS.md.
#
#   bench/service.sh                every scenario
#   bench/service.sh shortener-warm one scenario (plus the references it is judged by)
#
# The generated click worker runs only after the load runs (see below).
#
# Scenarios: nginx-302, gomap-warm, cacheaside-warm, shortener-warm (codes
# already in the in-process cache and Redis), shortener-redis (the same with
# the in-process cache off: every hit a Redis GET), cacheaside-cold and shortener-cold
# (caches emptied before the run, each code asked once: every request a
# miss), gomap-create, cacheaside-create and shortener-create (POST
# /api/links). Two configurations: "shared" (wrk -t2 and the servers share
# both cores) and "pinned" (wrk -t1 on core 0, the processes this script
# started on core 1; PostgreSQL, Redis and NATS are the machine's own and
# stay unpinned).
#
# ROUNDS (default 3) rounds of every scenario, interleaved so that drift
# hits all alike; DURATION (default 10s); CONFIGS (default "shared pinned");
# CONNS (64) connections; WARM_CODES (100000) and COLD_CODES (200000) links;
# PORT (8091) the first of the eight ports used; BENCH_DB, BENCH_STREAM and
# BENCH_REDIS_DB (the first of four Redis databases; see servers.sh) keep two
# benchmarks running at once apart.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONFIGS=${CONFIGS:-shared pinned}
WARM_CODES=${WARM_CODES:-100000}
COLD_CODES=${COLD_CODES:-200000}
CONNS=${CONNS:-64}

cd "$REPO"
work=$RESULTS/service
rm -rf "$work" && mkdir -p "$work"
go build -o "$BENCH_BIN/seed" ./bench/seed

all=(nginx-302 gomap-warm cacheaside-warm shortener-warm shortener-redis cacheaside-cold shortener-cold gomap-create cacheaside-create shortener-create)
if [ $# -gt 0 ]; then
	scenarios=()
	for s in "$@"; do
		[[ " ${all[*]} " == *" $s "* ]] || { echo "unknown scenario $s: choose from ${all[*]}" >&2; exit 2; }
		# The references a scenario is judged by run with it.
		case $s in
		shortener-warm) scenarios+=(gomap-warm) ;;
		shortener-redis) scenarios+=(gomap-warm cacheaside-warm) ;;
		shortener-cold) scenarios+=(gomap-warm cacheaside-cold) ;;
		shortener-create) scenarios+=(gomap-warm cacheaside-create) ;;
		*) scenarios+=(gomap-warm) ;;
		esac
		scenarios+=("$s")
	done
	# Keep the canonical order, once each.
	picked=()
	for s in "${all[@]}"; do [[ " ${scenarios[*]} " == *" $s "* ]] && picked+=("$s"); done
	scenarios=("${picked[@]}")
else
	scenarios=("${all[@]}")
fi
wants() { [[ " ${scenarios[*]} " == *" $1"* ]]; }

. "$REPO/bench/servers.sh"
# Cold scenarios get instances of their own, with their own Redis
# databases, emptied before each cold run without disturbing the warm ones.
# PORT (default 8091) is the first of the eight ports the servers listen on
# (PORT to PORT+7); each must be free, or another benchmark (bench/calibrate.sh
# uses the same defaults) would be measured in place of ours.
p=${PORT:-8091}
REF=127.0.0.1:$p NGINX=127.0.0.1:$((p + 1)) APP=127.0.0.1:$((p + 2)) APPREDIS=127.0.0.1:$((p + 3))
BENCH_WORKER_METRICS=127.0.0.1:$((p + 4)) CACHEASIDE=127.0.0.1:$((p + 5)) APPCOLD=127.0.0.1:$((p + 6)) CACHEASIDECOLD=127.0.0.1:$((p + 7))
for a in "$REF" "$NGINX" "$APP" "$APPREDIS" "$BENCH_WORKER_METRICS" "$CACHEASIDE" "$APPCOLD" "$CACHEASIDECOLD"; do
	if (exec 3<>"/dev/tcp/${a%:*}/${a#*:}") 2>/dev/null; then
		echo "$a is taken by another process: run with PORT set to the first of 8 free ports" >&2
		exit 2
	fi
done
reset_bench_db
wants gomap && start_refserver "$REF"
wants nginx && start_nginx "$NGINX" "$work/nginx"
wants cacheaside && start_refcache "$CACHEASIDE" $((BENCH_REDIS_DB + 1)) && start_refcache "$CACHEASIDECOLD" $((BENCH_REDIS_DB + 3))

if wants shortener && ! has_command scaffold; then
	echo "tradeoff has no scaffold command yet: measuring the references only" >&2
	scenarios=($(printf '%s\n' "${scenarios[@]}" | grep -v '^shortener-'))
fi
cold_pid=
start_cold_app() { # the cold instance, with empty process memory and an empty Redis database BENCH_REDIS_DB+2
	[ -z "$cold_pid" ] || stop_pid "$cold_pid"
	redis-cli -n $((BENCH_REDIS_DB + 2)) flushdb >/dev/null
	start_app "$APPCOLD" REDIS_URL=redis://127.0.0.1:6379/$((BENCH_REDIS_DB + 2))
	cold_pid=$last_app_pid
}
if wants shortener; then
	echo "== scaffolding bench/service/shortener.cue"
	scaffold_shortener bench/service/shortener.cue "$work/app"
	# The click worker does not run during the load runs: it would update
	# PostgreSQL on the same two cores, during this run and into the next
	# scenario's. Every redirect still publishes its click (batched) to
	# JetStream, where the clicks wait; the worker drains them at the end.
	start_app "$APP"
	start_app "$APPREDIS" LOCAL_CACHE_SIZE=0
fi

seed() { # seed NAME ADDR N: create N links, codes in $work/NAME.codes
	echo "== seeding $3 links into $1"
	"$BENCH_BIN/seed" -url "http://$2" -n "$3" -o "$work/$1.codes"
}
warm() { # warm URL CODES: ask every code once, however long the misses take
	echo "== warming $1"
	"$BENCH_BIN/seed" -url "$1" -warm "$work/$2.codes" -c "$CONNS"
}
if wants gomap; then seed gomap "$REF" "$WARM_CODES"; fi
if wants cacheaside; then
	seed cacheaside-warm "$CACHEASIDE" "$WARM_CODES"
	seed cacheaside-cold "$CACHEASIDE" "$COLD_CODES"
	warm "http://$CACHEASIDE" cacheaside-warm
fi
if wants shortener; then
	seed shortener-warm "$APP" "$WARM_CODES"
	seed shortener-cold "$APP" "$COLD_CODES"
	warm "http://$APP" shortener-warm
	warm "http://$APPREDIS" shortener-warm
fi

pin() { # pin CONFIG: the servers on core 1 (pinned) or on every core (shared)
	if [ "$1" = pinned ]; then pin_servers 1; else pin_servers "0-$(($(nproc) - 1))"; fi
}
run_wrk() { # run_wrk CONFIG URL ARGS...: one wrk run, its RESULT line
	local config=$1 url=$2
	shift 2
	if [ "$config" = pinned ]; then
		taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 2s -s bench/wrk/shortener.lua "$url" -- "$@" 1
	else
		wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 2s -s bench/wrk/shortener.lua "$url" -- "$@" 2
	fi | grep '^RESULT'
}

for config in $CONFIGS; do
	pin "$config"
	for r in $(seq "$ROUNDS"); do
		for s in "${scenarios[@]}"; do
			out="$work/$config.$s.$r.txt"
			case $s in
			nginx-302) run_wrk "$config" "http://$NGINX" random "$work/gomap.codes" ;;
			gomap-warm) run_wrk "$config" "http://$REF" random "$work/gomap.codes" ;;
			gomap-create) run_wrk "$config" "http://$REF" create ;;
			cacheaside-warm) run_wrk "$config" "http://$CACHEASIDE" random "$work/cacheaside-warm.codes" ;;
			cacheaside-create) run_wrk "$config" "http://$CACHEASIDE" create ;;
			shortener-warm) run_wrk "$config" "http://$APP" random "$work/shortener-warm.codes" ;;
			shortener-redis) run_wrk "$config" "http://$APPREDIS" random "$work/shortener-warm.codes" ;;
			shortener-create) run_wrk "$config" "http://$APP" create ;;
			cacheaside-cold)
				redis-cli -n $((BENCH_REDIS_DB + 3)) flushdb >/dev/null
				run_wrk "$config" "http://$CACHEASIDECOLD" sequential "$work/$s.codes"
				echo "codes=$COLD_CODES"
				;;
			shortener-cold)
				start_cold_app
				pin "$config"
				run_wrk "$config" "http://$APPCOLD" sequential "$work/$s.codes"
				echo "codes=$COLD_CODES"
				;;
			esac >"$out"
			echo "$config round $r $s: $(cut -d' ' -f4-7 "$out" | head -1)"
		done
	done
done
pin shared
if wants shortener; then
	start_worker
	echo "== the worker drains the queued clicks"
	sleep 5
fi

args=()
[ $# -gt 0 ] && args=(-scenarios "${scenarios[*]}")
bench/.bin/benchreport service -duration "$DURATION" -conns "$CONNS" -codes "$WARM_CODES" -cold-codes "$COLD_CODES" "${args[@]}" "$work" | tee "$work/section.md"
write_section service -key 3 <"$work/section.md"
echo "updated the service section of BENCHMARKS.md"
