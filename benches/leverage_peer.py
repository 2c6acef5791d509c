#!/usr/bin/env python3
"""The peer `fulcrum leverage MAP --format json` is measured against: a plain Python script
that reads a map with regular expressions, rolls it up and takes the sensitivity of the top
metric to every metric in one reverse pass, then writes the levers as JSON sorted by
|elasticity| — the same work, the way an analyst would script it.

It reads what Fulcrum writes for driver trees: each node's `id`, `parent`, `title`,
`formula` (Sum, Product, Mean, Min, Max or Expr("…") with + - * / and parentheses) and
`value`. No scenarios, periods, errors as values or approximate flags.

usage: leverage_peer.py MAP.ron > levers.json
Side by side: /usr/bin/time -v python3 benches/leverage_peer.py MAP.ron > /dev/null
              /usr/bin/time -v target/release/fulcrum leverage MAP.ron --format json > /dev/null
"""
import ast
import json
import re
import sys

FIELD = re.compile(
    r'\b(id|parent|title): "((?:[^"\\]|\\.)*)"'
    r'|\bformula: (?:(Sum|Product|Mean|Min|Max)\b|Expr\("((?:[^"\\]|\\.)*)"\))'
    r'|\bvalue: ([-+0-9.eE]+)'
)


def read(path):
    nodes = []
    with open(path, encoding="utf-8") as f:
        for m in FIELD.finditer(f.read()):
            key, text, aggregate, expr, value = m.groups()
            if key == "id":
                nodes.append({"id": text})
            elif not nodes:
                continue
            elif key:
                nodes[-1].setdefault(key, text)
            elif aggregate:
                nodes[-1]["formula"] = aggregate
            elif expr is not None:
                nodes[-1]["formula"] = ast.parse(expr, mode="eval").body
            else:
                nodes[-1].setdefault("value", float(value))
    return nodes


def names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def evaluate(tree, env):
    if isinstance(tree, ast.Constant):
        return float(tree.value)
    if isinstance(tree, ast.Name):
        return env[tree.id]
    if isinstance(tree, ast.UnaryOp):
        v = evaluate(tree.operand, env)
        return -v if isinstance(tree.op, ast.USub) else v
    a, b = evaluate(tree.left, env), evaluate(tree.right, env)
    op = type(tree.op)
    return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(op) if op is not ast.Div else a / b


def backward(tree, env, seed, grad):
    """Adds seed · ∂tree/∂x to grad[x] for every name x in the tree."""
    if isinstance(tree, ast.Name):
        grad[tree.id] = grad.get(tree.id, 0.0) + seed
    elif isinstance(tree, ast.UnaryOp):
        backward(tree.operand, env, -seed if isinstance(tree.op, ast.USub) else seed, grad)
    elif isinstance(tree, ast.BinOp):
        op = type(tree.op)
        if op is ast.Add:
            backward(tree.left, env, seed, grad)
            backward(tree.right, env, seed, grad)
        elif op is ast.Sub:
            backward(tree.left, env, seed, grad)
            backward(tree.right, env, -seed, grad)
        elif op is ast.Mult:
            a, b = evaluate(tree.left, env), evaluate(tree.right, env)
            backward(tree.left, env, seed * b, grad)
            backward(tree.right, env, seed * a, grad)
        else:
            a, b = evaluate(tree.left, env), evaluate(tree.right, env)
            backward(tree.left, env, seed / b, grad)
            backward(tree.right, env, -seed * a / (b * b), grad)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    nodes = read(sys.argv[1])
    by_id = {n["id"]: n for n in nodes}
    children = {n["id"]: [] for n in nodes}
    for n in nodes:
        if "parent" in n:
            children[n["parent"]].append(n["id"])
    # What each metric reads: its children for an aggregate, the names of its expression.
    reads = {}
    for n in nodes:
        f = n.get("formula")
        reads[n["id"]] = sorted(names(f)) if isinstance(f, ast.AST) else children[n["id"]] if f else []
    # Evaluation order: depth-first post-order over what each metric reads, without recursion.
    order, state = [], {}
    for start in by_id:
        stack = [(start, False)]
        while stack:
            i, done = stack.pop()
            if done:
                order.append(i)
            elif i not in state:
                state[i] = True
                stack.append((i, True))
                stack.extend((r, False) for r in reads[i] if r not in state)
    value = {}
    for i in order:
        f, xs = by_id[i].get("formula"), [value[r] for r in reads[i]]
        if f is None:
            value[i] = by_id[i].get("value", 0.0)
        elif isinstance(f, ast.AST):
            value[i] = evaluate(f, value)
        elif f == "Sum":
            value[i] = sum(xs)
        elif f == "Mean":
            value[i] = sum(xs) / len(xs) if xs else 0.0
        elif f == "Product":
            p = 1.0
            for x in xs:
                p *= x
            value[i] = p
        else:
            value[i] = (min if f == "Min" else max)(xs) if xs else 0.0
    top = nodes[0]["id"]
    # Reverse pass: adjoints from the top down, in reverse evaluation order.
    adjoint = {top: 1.0}
    for i in reversed(order):
        seed = adjoint.get(i)
        if not seed:
            continue
        f, rs = by_id[i].get("formula"), reads[i]
        if isinstance(f, ast.AST):
            backward(f, value, seed, adjoint)
        elif f in ("Sum", "Mean"):
            share = seed if f == "Sum" else seed / len(rs)
            for r in rs:
                adjoint[r] = adjoint.get(r, 0.0) + share
        elif f == "Product":
            for k, r in enumerate(rs):
                p = seed
                for j, other in enumerate(rs):
                    if j != k:
                        p *= value[other]
                adjoint[r] = adjoint.get(r, 0.0) + p
        elif f in ("Min", "Max") and rs:
            pick = (min if f == "Min" else max)(rs, key=lambda r: value[r])
            adjoint[pick] = adjoint.get(pick, 0.0) + seed
    top_value = value[top]
    # Every metric the top depends on, those it does not move (a Max's other children) too.
    reached, stack = {top}, [top]
    while stack:
        for r in reads[stack.pop()]:
            if r not in reached:
                reached.add(r)
                stack.append(r)
    levers = []
    for i in order:
        if i == top or i not in reached:
            continue
        s = adjoint.get(i, 0.0)
        e = s * value[i] / top_value if top_value else None
        levers.append({"id": i, "title": by_id[i].get("title", ""), "value": value[i],
                       "sensitivity": s, "elasticity": e})
    levers.sort(key=lambda l: (-abs(l["elasticity"]) if l["elasticity"] is not None else 1.0, l["id"]))
    json.dump({"top": top, "value": top_value, "levers": levers}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
