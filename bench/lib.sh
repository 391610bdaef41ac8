# Shared by the bench/ scripts: paths, building the binaries under test,
# and writing a section of BENCHMARKS.md. Source it; do not run it.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_BIN="$REPO/bench/.bin"
RESULTS="$REPO/bench/results"
export PATH="$BENCH_BIN:$PATH"

# build_tradeoff builds the binaries under test from the working tree into
# bench/.bin, the way a user gets them (go build, no race detector).
build_tradeoff() {
	mkdir -p "$BENCH_BIN"
	(cd "$REPO" && go build -o "$BENCH_BIN/tradeoff" ./cmd/tradeoff)
	if [ -d "$REPO/cmd/tradeoff-render" ]; then
		(cd "$REPO" && go build -o "$BENCH_BIN/tradeoff-render" ./cmd/tradeoff-render)
	fi
	(cd "$REPO" && go build -o "$BENCH_BIN/benchreport" ./bench/report)
}

# has_command reports whether the built tradeoff has a subcommand.
has_command() {
	"$BENCH_BIN/tradeoff" help "$1" 2>/dev/null | grep -q "tradeoff $1"
}

# check_quiet warns when the machine is busy: figures taken under load are
# still valid as ratios, but noisier.
check_quiet() {
	local load
	load=$(cut -d' ' -f1 /proc/loadavg)
	if awk -v l="$load" 'BEGIN{exit !(l > 0.7)}'; then
		echo "warning: load average is $load on $(nproc) cores; ratios stay valid, absolute figures will be low" >&2
	fi
}

# write_section NAME [-key N] replaces the section NAME of BENCHMARKS.md
# (between <!-- BEGIN NAME --> and <!-- END NAME -->) with standard input;
# with -key N it keeps the old rows whose first N cells were not measured
# again.
write_section() {
	local name=$1
	shift
	"$BENCH_BIN/benchreport" section -file "$REPO/BENCHMARKS.md" -name "$name" "$@"
	"$BENCH_BIN/benchreport" summary -file "$REPO/BENCHMARKS.md"
}

# prepare installs the tools, builds the binaries under test and warns if
# the machine is busy: the start of every benchmark script.
prepare() {
	"$REPO/bench/tools.sh" >/dev/null
	build_tradeoff
	check_quiet
}
