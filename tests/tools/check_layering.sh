#!/bin/sh
# Imports flow one way: sim <- models <- analysis <- cli. Fails, naming the
# line, when a file includes a header from a layer above its own.
root=${1:-$(dirname "$0")/../..}
status=0
check() {  # folder, forbidden include prefixes...
  dir=$1; shift
  for layer in "$@"; do
    if grep -rn --include='*.hpp' --include='*.cpp' "#include \"$layer/" "$root/$dir"; then
      echo "layering: $dir/ must not include $layer/ headers" >&2
      status=1
    fi
  done
}
check sim models analysis cli
check models analysis cli
check analysis cli
exit $status
