#!/usr/bin/env bash
# Refreshes the charting library of the plugin's operations and relevance pages: Chart.js (MIT), fetched from the npm
# registry with `npm pack`, checked against the registry's integrity hash, and reduced to the two files the plugin
# ships: the minified UMD build and the license. No node_modules, no build step at run time or in Maven.
#   build-tools/vendor-chartjs.sh [version]      (default: the version recorded in the vendor README)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=rest-handlers/main/resources/ui/vendor
version="${1:-$(sed -n 's/^- package: `chart.js@\(.*\)`$/\1/p' "$dest/README.md" 2>/dev/null || true)}"
version="${version:-4.6.1}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expected=$(npm view "chart.js@$version" dist.integrity)
(cd "$tmp" && npm pack --silent "chart.js@$version" >/dev/null)
tarball="$tmp/chart.js-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$expected" ]; then
  echo "vendor-chartjs: chart.js@$version's tarball does not match the registry's integrity ($actual vs $expected)" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/dist/chart.umd.min.js package/LICENSE.md
mkdir -p "$dest"
cp "$tmp/package/dist/chart.umd.min.js" "$dest/chart.umd.min.js"
cp "$tmp/package/LICENSE.md" "$dest/chart.js-LICENSE.md"
cat > "$dest/README.md" <<README
# Vendored: Chart.js

The operations and relevance pages draw their charts with Chart.js, served by the plugin from these files (nothing is
loaded from elsewhere). Refresh or change the version with \`build-tools/vendor-chartjs.sh [version]\`.

- package: \`chart.js@$version\`
- from: the npm registry, \`npm pack chart.js@$version\` (tarball integrity \`$expected\`, checked)
- files: \`package/dist/chart.umd.min.js\` -> \`chart.umd.min.js\` (sha256 \`$(sha256sum "$dest/chart.umd.min.js" | cut -d' ' -f1)\`),
  \`package/LICENSE.md\` -> \`chart.js-LICENSE.md\`
- license: MIT ($(grep -m1 '^Copyright' "$dest/chart.js-LICENSE.md")), served with the pages at \`/_plugins/_multimodal/ui/chart.js-LICENSE.md\`
README
echo "vendored chart.js@$version into $dest"
