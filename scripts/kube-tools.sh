#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from k8s.io/kubernetes at the version
# of the k8s.io/api module tradeoff uses, for the server-side dry-run of the
# generated manifests (reliability's TestKubernetesServerDryRun). No
# Kubernetes binary comes from Debian or can be downloaded here; the Go
# module proxy has k8s.io/kubernetes, whose go.mod points its staging
# modules (k8s.io/api, client-go, ...) at ./staging: a small wrapper module
# replaces each with its published version. Prints the directory holding
# the binaries; builds only when they are missing (about 4 minutes cold).
set -euo pipefail
cd "$(dirname "$0")/.."

api=$(go list -m -f '{{.Version}}' k8s.io/api)  # v0.37.2
version="v1.${api#v0.}"                          # v1.37.2
dir="${TRADEOFF_KUBE_DIR:-$HOME/.cache/tradeoff/kube-$version}"
if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir/src"
gomod=$(cd "$dir/src" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
{
	printf 'module tradeoff.local/kube-tools\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$(go env GOVERSION | sed 's/^go//')" "$version"
	sed -n 's/^\s*\(k8s\.io\/[a-z0-9-]*\) => \.\/staging\/.*$/\1/p' "$gomod" | while read -r m; do
		printf '\t%s => %s %s\n' "$m" "$m" "$api"
	done
	printf ')\n'
} > "$dir/src/go.mod"
printf 'package tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\t_ "k8s.io/kubectl/pkg/cmd"\n)\n' > "$dir/src/tools.go"
(
	cd "$dir/src"
	go mod tidy >&2
	ldflags="-X k8s.io/component-base/version.gitVersion=$version -X k8s.io/client-go/pkg/version.gitVersion=$version"
	go build -ldflags "$ldflags" -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
	go build -ldflags "$ldflags" -o "$dir/kubectl" k8s.io/kubernetes/cmd/kubectl
) >&2
echo "$dir"
