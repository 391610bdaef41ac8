# Starting and stopping the servers the load benchmarks measure. Source it
# after lib.sh. Every process started here is remembered by PID and
# stopped, by that PID, when the script exits.

pids=()
# The database, Redis database, NATS stream and worker metrics port the
# scaffolded service uses; a script that may run beside another sets its
# own before sourcing this file.
BENCH_DB=${BENCH_DB:-tradeoff_bench}
BENCH_REDIS_DB=${BENCH_REDIS_DB:-9}
BENCH_STREAM=${BENCH_STREAM:-TRADEOFF_BENCH_CLICKS}
BENCH_WORKER_METRICS=${BENCH_WORKER_METRICS:-127.0.0.1:8095}
cleanup_servers() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup_servers EXIT

wait_http() { # wait_http URL: until it answers 2xx, at most 10 s
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1 did not answer" >&2
	return 1
}

start_refserver() { # start_refserver ADDR [FLAG...]
	go build -o "$BENCH_BIN/refserver" "$REPO/bench/refserver"
	"$BENCH_BIN/refserver" -addr "$1" "${@:2}" &
	pids+=($!)
	wait_http "http://$1/healthz"
}

start_nginx() { # start_nginx ADDR DIR: nginx `return 302` from bench/service/nginx.conf
	local addr=$1 dir=$2
	mkdir -p "$dir"
	sed -e "s|PREFIX|$dir|g" -e "s|PORT|${addr#*:}|" "$REPO/bench/service/nginx.conf" >"$dir/nginx.conf"
	nginx -t -q -c "$dir/nginx.conf" -p "$dir"
	nginx -c "$dir/nginx.conf" -p "$dir" &
	pids+=($!)
	for _ in $(seq 50); do curl -s -o /dev/null "http://$addr/x" && return 0; sleep 0.1; done
	echo "nginx did not start on $addr" >&2
	return 1
}

# scaffold_shortener DESIGN DIR: scaffold the design's service into DIR,
# build its server (and worker), empty its Redis database (9), and set
# app_env for start_app. It uses the database reset_bench_db made.
scaffold_shortener() {
	local design=$1 dir=$2 db=$BENCH_DB
	"$BENCH_BIN/tradeoff" scaffold "$design" -o "$dir" --module example.com/shortener >"$dir.scaffold.log" 2>&1 ||
		{ cat "$dir.scaffold.log" >&2; return 1; }
	(cd "$dir" && go build -o server ./cmd/server && { [ ! -d cmd/worker ] || go build -o worker ./cmd/worker; })
	redis-cli -n "$BENCH_REDIS_DB" flushdb >/dev/null
	app_dir=$dir
	app_env=(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable" REDIS_URL="redis://127.0.0.1:6379/$BENCH_REDIS_DB"
		NATS_URL="nats://127.0.0.1:4222" NATS_STREAM="$BENCH_STREAM" LOG_LEVEL=warn)
}

start_worker() { # start_worker: the click consumer, if the service has one
	[ -x "$app_dir/worker" ] || return 0
	env "${app_env[@]}" WORKER_METRICS_ADDR="$BENCH_WORKER_METRICS" "$app_dir/worker" >>"$app_dir.worker.log" 2>&1 &
	pids+=($!)
}

# start_app ADDR [VAR=VALUE...]: one server instance, its PID in
# last_app_pid; later variables override app_env.
start_app() {
	local addr=$1
	shift
	env LISTEN_ADDR="$addr" BASE_URL="http://$addr" "${app_env[@]}" "$@" "$app_dir/server" >>"$app_dir.server.log" 2>&1 &
	last_app_pid=$!
	pids+=($!)
	wait_http "http://$addr/readyz"
}

stop_pid() { # stop_pid PID: one process this script started
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

pin_servers() { # pin_servers CPUS: move every started process and its children
	local p c
	for p in "${pids[@]}"; do
		taskset -a -pc "$1" "$p" >/dev/null 2>&1 || true
		for c in $(pgrep -P "$p" 2>/dev/null); do taskset -a -pc "$1" "$c" >/dev/null 2>&1 || true; done
	done
}

reset_bench_db() { # reset_bench_db: an empty PostgreSQL database for the servers under test
	psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
}

start_refcache() { # start_refcache ADDR REDIS_DB: the hand-written cache-aside reference
	(cd "$REPO/bench/refcache" && go build -o "$BENCH_BIN/refcache" .)
	redis-cli -n "$2" flushdb >/dev/null
	"$BENCH_BIN/refcache" -addr "$1" -db "postgres://postgres@127.0.0.1:5432/$BENCH_DB?sslmode=disable" -redis "redis://127.0.0.1:6379/$2" &
	pids+=($!)
	wait_http "http://$1/healthz"
}
