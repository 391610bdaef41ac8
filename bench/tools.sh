#!/usr/bin/env bash
# Installs the public tools the benchmarks use, so that anyone can rerun
# them: hyperfine, wrk, nginx and GNU time from Debian; cue (the version in
# go.mod) and benchstat from the Go module proxy into bench/.bin. The
# constant-rate load generator is the repository's own bench/openloop.
# Safe to run again: it installs only what is missing or at the wrong
# version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || need_apt+=(nginx-light)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v taskset >/dev/null || need_apt+=(util-linux)
command -v dot >/dev/null || need_apt+=(graphviz fonts-liberation) # the font diagram tests measure labels with
if [ ${#need_apt[@]} -gt 0 ]; then
	echo "installing from Debian: ${need_apt[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

mkdir -p "$BENCH_BIN"
cue_version=$(cd "$REPO" && go list -m -f '{{.Version}}' cuelang.org/go)
if ! "$BENCH_BIN/cue" version 2>/dev/null | grep -q "cue version $cue_version\$"; then
	echo "installing cue $cue_version"
	GOBIN="$BENCH_BIN" go install "cuelang.org/go/cmd/cue@$cue_version"
fi
# Pinned so that reruns use the same tools.
[ -x "$BENCH_BIN/benchstat" ] || GOBIN="$BENCH_BIN" go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
echo "tools ready: $(hyperfine --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1), $("$BENCH_BIN/cue" version | head -1)"
