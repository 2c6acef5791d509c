#!/usr/bin/env python3
"""Writes a Graphviz .dot of a Fulcrum map's trees: one box per node labelled with its
title, one edge per parent link. Reads the RON's `(id: "...", parent: "...", ... title: "...")`
lines as Fulcrum writes them (canonical form: each node starts on its own line).

usage: map_to_dot.py MAP.ron > MAP.dot
"""
import re
import sys

NODE = re.compile(r'^\s*\(id: "([^"]+)"')
PARENT = re.compile(r'\bparent: "([^"]+)"')
TITLE = re.compile(r'\btitle: "((?:[^"\\]|\\.)*)"')


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = ["digraph map {", "  node [shape=box, style=rounded, fontname=\"DejaVu Sans\"];"]
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            m = NODE.match(line)
            if not m:
                continue
            node = m.group(1)
            title = TITLE.search(line)
            label = title.group(1) if title else node
            out.append(f'  {node} [label="{label}"];')
            parent = PARENT.search(line)
            if parent:
                out.append(f"  {parent.group(1)} -> {node};")
    out.append("}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
