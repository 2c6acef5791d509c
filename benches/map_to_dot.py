#!/usr/bin/env python3
"""Writes a Graphviz .dot of a Fulcrum map's trees: one box per node labelled with its
title, one edge per parent link. Reads the `id:`, `parent:` and `title:` fields of each node
as Fulcrum writes them (a node's fields in order, `id` first, on one line or several).

usage: map_to_dot.py MAP.ron > MAP.dot
"""
import re
import sys

FIELD = re.compile(r'\b(id|parent|title): "((?:[^"\\]|\\.)*)"')


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = ["digraph map {", "  node [shape=box, style=rounded, fontname=\"DejaVu Sans\"];"]
    nodes = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for m in FIELD.finditer(f.read()):
            key, value = m.group(1), m.group(2)
            if key == "id":
                nodes.append({"id": value})
            elif nodes and key not in nodes[-1]:
                nodes[-1][key] = value
    for n in nodes:
        out.append(f'  {n["id"]} [label="{n.get("title", n["id"])}"];')
        if "parent" in n:
            out.append(f'  {n["parent"]} -> {n["id"]};')
    out.append("}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
