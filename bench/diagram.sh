#!/usr/bin/env bash
# Diagrams: what linking go-graphviz would cost every command, and what
# drawing SVG costs against Graphviz's own dot. Updates the "diagram"
# section of BENCHMARKS.md.
#
#   bench/diagram.sh
#
# 1. `tradeoff validate` as shipped (no go-graphviz) against the same
#    tradeoff built with go-graphviz linked in (bench/graphvizlinked,
#    -tags graphvizlinked): wall time (hyperfine, warm compilation cache)
#    and peak RSS (GNU time); plus the first run with an empty cache.
# 2. `tradeoff diagram -f svg` (tradeoff + the tradeoff-render sub-process)
#    against `dot -Tsvg` on the same DOT, for the shortener and for a
#    300-component synthetic design.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
prepare
RUNS=${RUNS:-30}
command -v dot >/dev/null || "$REPO/scripts/ci-tools.sh"

cd "$REPO"
load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$RESULTS/diagram
rm -rf "$work" && mkdir -p "$work"
bin=$BENCH_BIN
go build -tags graphvizlinked -o "$bin/tradeoff-graphviz" ./bench/graphvizlinked
design=examples/shortener.cue

median() { # hyperfine JSON -> median in ms
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"
}
rss() { # peak RSS in MB of one run of the command
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'
}
hf() { # name, command...
	local name=$1
	shift
	hyperfine -N -w 3 -r "$RUNS" --export-json "$work/$name.json" -- "$*" >"$work/$name.txt"
	median "$work/$name.json"
}

# 1. validate with and without go-graphviz.
plain_ms=$(hf validate-plain "$bin/tradeoff validate $design")
linked_ms=$(hf validate-linked "$bin/tradeoff-graphviz validate $design")
plain_rss=$(rss "$bin/tradeoff" validate "$design")
linked_rss=$(rss "$bin/tradeoff-graphviz" validate "$design")
# The first run on a machine: go-graphviz keeps its compiled WebAssembly
# in $TMPDIR/go-graphviz; an empty TMPDIR is an empty cache.
cold=$(mktemp -d)
cold_ms=$( { /usr/bin/time -f %e env TMPDIR="$cold" "$bin/tradeoff-graphviz" validate "$design" >/dev/null; } 2>&1 | tail -1 | awk '{printf "%.0f", $1*1000}')
rm -rf "$cold"

# 2. SVG: tradeoff diagram against dot -Tsvg on the same DOT.
"$bin/tradeoff" diagram "$design" -f dot -o "$work/shortener.dot"
cat >"$work/synthetic.cue" <<'CUE'
system: {name: "synthetic", cloud: "gcp", footprint: "multi-zone"}
traffic: {
	get: {kind: "read", rate: "50k/s", peakFactor: 2, requestSize: "200B", responseSize: "2KB", path: ["cdn", "loadBalancer", "services", "cache", "replicas"], public: true}
	put: {kind: "write", rate: "5k/s", peakFactor: 2, requestSize: "2KB", responseSize: "100B", path: ["loadBalancer", "services", "database"]}
}
slo: {availability: "99.9%"}
cdn: {enabled: true, cacheableShare: "60%"}
services: {instances: 120, zones: 3}
cache: {kind: "redis", ttl: "1h", invalidation: "delete-on-write", memory: "26GiB", nodes: 6, replicas: 1, hitRatio: "95%"}
database: {kind: "postgres", replicas: 1, readFromReplicas: true, failover: "automatic", shards: 150, shardKey: "user_id"}
observability: {metrics: true, logs: "structured", traces: true, uptimeProbe: true}
CUE
"$bin/tradeoff" diagram "$work/synthetic.cue" --expand-shards -f dot -o "$work/synthetic.dot"
nodes=$(grep -c '^\s*[a-z_0-9]* \[shape=' "$work/synthetic.dot")
sh_svg=$(hf svg-shortener "$bin/tradeoff diagram $design -f svg -o -")
sh_dot=$(hf dot-shortener "dot -Tsvg $work/shortener.dot")
sy_svg=$(hf svg-synthetic "$bin/tradeoff diagram $work/synthetic.cue --expand-shards -f svg -o -")
sy_dot=$(hf dot-synthetic "dot -Tsvg $work/synthetic.dot")
sy_rss=$(rss "$bin/tradeoff-render" <"$work/synthetic.dot")
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1])/float(sys.argv[2])))" "$1" "$2"; }
# verdict: issue 8's target for drawing is within 2x of dot -Tsvg.
verdict() { python3 -c "import sys; print('meets' if float(sys.argv[1]) <= 2 * float(sys.argv[2]) else '**misses**')" "$1" "$2"; }
day=$(date -u +%Y-%m-%d)

when=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' | cut -c1-40)
commit=$(git rev-parse --short HEAD)
dotv=$(dot -V 2>&1 | sed 's/dot - //')
write_section diagram <<MD
## Diagrams

\`tradeoff\` does not link go-graphviz: its \`init()\` compiles Graphviz's WebAssembly in every process that imports it. SVG is laid out by the separate \`tradeoff-render\` binary, which \`tradeoff diagram -f svg\` runs as a sub-process. It starts that sub-process before loading the design, so on a machine with a free core Graphviz's start-up overlaps loading, estimating and reviewing. The first table measures that decision: \`tradeoff validate\` as shipped against the same tradeoff built with go-graphviz linked in (\`bench/graphvizlinked\`, \`-tags graphvizlinked\`). The second compares \`tradeoff diagram -f svg\` (whole pipeline: load, estimate, review, DOT, sub-process layout) with Graphviz's own \`dot -Tsvg\` on the same DOT ($dotv, Debian).

Measured $when on $cpu ($(nproc) cores), $(go version | cut -d' ' -f3), tradeoff at $commit; load average $load at start (ratios hold under load, absolute times do not); hyperfine medians of $RUNS runs after 3 warm-ups; peak RSS from GNU time.

| what | median | peak RSS | rerun |
|---|---:|---:|---|
| \`tradeoff validate\` shortener, as shipped | $plain_ms ms | $plain_rss MB | \`bench/diagram.sh\` |
| same, go-graphviz linked (warm compilation cache) | $linked_ms ms ($(ratio "$linked_ms" "$plain_ms")×) | $linked_rss MB | \`bench/diagram.sh\` |
| same, go-graphviz linked, first run (empty cache) | $cold_ms ms (one run) | | \`bench/diagram.sh\` |

| drawing | nodes | \`tradeoff diagram -f svg\` | \`dot -Tsvg\` same DOT | ratio | target | verdict | date | rerun |
|---|---:|---:|---:|---:|---:|---|---|---|
| shortener overview | $(grep -c '^\s*[a-z_0-9]* \[shape=' "$work/shortener.dot") | $sh_svg ms | $sh_dot ms | $(ratio "$sh_svg" "$sh_dot")× | ≤ 2× | $(verdict "$sh_svg" "$sh_dot") | $day | \`bench/diagram.sh\` |
| synthetic, 150 shards drawn one by one | $nodes | $sy_svg ms | $sy_dot ms | $(ratio "$sy_svg" "$sy_dot")× | ≤ 2× | $(verdict "$sy_svg" "$sy_dot") | $day | \`bench/diagram.sh\` |

\`tradeoff-render\` alone on the synthetic DOT peaks at $sy_rss MB. PNG is not timed: it is the SVG through \`rsvg-convert\`. Go benchmark of the layout alone: \`go test -bench RenderThreeHundred ./internal/render\`.
MD
echo "diagram: validate ${plain_ms} ms vs ${linked_ms} ms linked (cold ${cold_ms} ms); svg ${sh_svg} vs dot ${sh_dot} ms; synthetic ${sy_svg} vs ${sy_dot} ms"
