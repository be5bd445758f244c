#!/usr/bin/env bash
# Builds the external checkers (patchcheck, podcheck) from ../shared/tools into
# .tools/checkers, because ../shared is read-only. Does nothing when ../shared is
# absent (the corpus tests then skip and say so) or when the build is current.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$root/../shared/tools"
target="$root/.tools/checkers"

if [ ! -d "$source_dir" ]; then
  echo "build-checkers: $source_dir not found; corpus and checker tests will be skipped" >&2
  exit 0
fi

if [ -x "$target/bin/patchcheck" ] && [ -d "$target/node_modules" ] \
  && [ -z "$(find "$source_dir" -newer "$target/bin/patchcheck" -print -quit)" ]; then
  exit 0
fi

echo "build-checkers: building patchcheck and podcheck into $target" >&2
rm -rf "$target"
mkdir -p "$target"
cp -R "$source_dir/." "$target/"
chmod -R u+w "$target"
(cd "$target" && npm ci --silent --no-audit --no-fund >&2)
PATCHCHECK_OUT="$target/bin/patchcheck" bash "$target/patchcheck/build.sh" >&2
