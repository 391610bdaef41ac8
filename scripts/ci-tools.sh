#!/usr/bin/env bash
# Installs the Debian packages and Go tools the test suite uses, once.
# Add a package to PACKAGES (one per line) rather than calling apt-get
# elsewhere: one apt-get run is much faster than several.
set -euo pipefail

PACKAGES=(
	graphviz         # diagram: the DOT output must be accepted by Graphviz's own dot
	librsvg2-bin     # diagram: rsvg-convert turns the SVG into PNG
	fonts-liberation # diagram: Arial-metric font, so PNG labels fit their boxes
	tmux             # init: the form's end-to-end test runs under tmux
	chromium         # report: the HTML review is loaded and screenshotted headless
	redis-server     # reliability: each fault test runs and stops its own Redis
	nats-server      # reliability: each fault test runs and stops its own NATS JetStream
	postgresql       # reliability: each fault test initdb's and crashes its own cluster
	pre-commit       # docs/ci.md: the hook definitions are run by pre-commit itself
	memcached        # scaffold: generated services run against it
	nginx            # scaffold: nginx -t on the generated config; reliability: the fleet behind it
	haproxy          # scaffold: haproxy -c on the generated config; reliability: the fleet behind it
	prometheus       # scaffold: promtool checks the generated alert rules
	podman           # reliability: the generated service's image is built and run
	runc             # reliability: podman's runtime here (crun refuses this machine's hybrid cgroups)
	etcd-server      # reliability: the store of the kube-apiserver the manifests are dry-run against
	openssl          # reliability: the kube-apiserver's service-account key
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go tools, from the Go module proxy. cue: the stock CUE tool checks designs
# with the schema `tradeoff schema` prints (cli/schema_test.go).
GOBIN="$(go env GOPATH)/bin"
if ! "$GOBIN/cue" version 2>/dev/null | grep -q 'cue version v0.17.1'; then
	echo "installing: cue v0.17.1"
	go install cuelang.org/go/cmd/cue@v0.17.1
fi

# scaffold: an SQS emulator that speaks the JSON protocol of current AWS SDKs
# (1.9.2 is the last version that runs on this machine's Node 20).
if ! command -v fauxqs >/dev/null; then
	echo "installing: fauxqs (npm)"
	npm install -g --no-audit --no-fund fauxqs@1.9.2 >/dev/null
fi

# diagram: Mermaid output is drawn by Mermaid itself (diagram's
# TestMermaidRenders) with mermaid-cli driving the Debian Chromium above;
# PUPPETEER_SKIP_DOWNLOAD keeps puppeteer from fetching a browser of its own.
if ! mmdc --version 2>/dev/null | grep -qx '11.17.0'; then
	echo "installing: mermaid-cli (npm)"
	PUPPETEER_SKIP_DOWNLOAD=1 npm install -g --no-audit --no-fund @mermaid-js/mermaid-cli@11.17.0 >/dev/null
fi

# diagram: the LikeC4 export is validated by LikeC4's own CLI
# (diagram's TestLikeC4Validates; 1.59.4 runs on this machine's Node 20).
if ! likec4 --version 2>/dev/null | grep -qx '1.59.4'; then
	echo "installing: likec4 (npm)"
	npm install -g --no-audit --no-fund likec4@1.59.4 >/dev/null
fi

# scaffold: the generated services must pass gosec (each exception justified).
if ! command -v gosec >/dev/null && [ ! -x "$(go env GOPATH)/bin/gosec" ]; then
	echo "installing: gosec (go install)"
	go install github.com/securego/gosec/v2/cmd/gosec@v2.30.0
fi

# reliability: kube-apiserver and kubectl at the version of k8s.io/api, built
# from k8s.io/kubernetes (about 4 minutes the first time, kept afterwards).
echo "kubernetes tools: $(scripts/kube-tools.sh)"
