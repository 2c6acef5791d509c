#!/usr/bin/env bash
# Times `fulcrum export -o x.svg` against Graphviz `dot -Tsvg` on the same tree, and the PNG
# export, as whole processes (best of 3). Needs graphviz (`apt-get install -y graphviz`) and
# python3; builds the release CLI and the synthetic map generator first.
#
# usage: benches/graphviz_compare.sh [NODES]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The CLI alone (no GUI stack); the generator runs once, so a debug build does.
cargo build --release --quiet --no-default-features --bin fulcrum
cargo build --quiet --example generate
bin=target/release/fulcrum
target/debug/examples/generate "$n" "$work/map.ron"
python3 benches/map_to_dot.py "$work/map.ron" > "$work/map.dot"

best() { # best wall time of 3 runs of "$@", in seconds
    local best=""
    for _ in 1 2 3; do
        local start end t
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    printf '%.3f' "$best"
}

fulcrum_svg=$(best "$bin" export "$work/map.ron" -o "$work/fulcrum.svg")
fulcrum_png=$(best "$bin" export "$work/map.ron" -o "$work/fulcrum.png" --scale 1)
if command -v dot > /dev/null; then
    dot_svg=$(best dot -Tsvg "$work/map.dot" -o "$work/dot.svg")
else
    dot_svg=""
fi
echo "nodes: $n"
echo "fulcrum export -o map.svg: ${fulcrum_svg} s"
echo "fulcrum export -o map.png --scale 1: ${fulcrum_png} s"
if [ -n "$dot_svg" ]; then
    echo "dot -Tsvg: ${dot_svg} s"
    echo "speed-up over dot: $(echo "$dot_svg / $fulcrum_svg" | bc -l | xargs printf '%.1f')×"
else
    echo "dot -Tsvg: graphviz not installed"
fi
