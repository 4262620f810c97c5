#!/usr/bin/env python3
"""Lists every engine-specific option of a fio source tree, per engine, as StackSim's
fio-3.33-engine-options.txt has them: ENGINE NAME ALIAS TYPE.

Usage: engine-options.py FIO_SOURCE_DIR > fio-3.33-engine-options.txt
(FIO_SOURCE_DIR: a checkout of fio at tag fio-3.33). Each engines/*.c declares its options in
`struct fio_option NAME[]` tables and names them in its `struct ioengine_ops` (.options = NAME);
both are read from the source, so engines the Debian build leaves out (http, nfs, ...) are
listed too."""
import os
import re
import sys

TYPES = {
    "FIO_OPT_STR_SET": "flag", "FIO_OPT_BOOL": "bool", "FIO_OPT_INT": "int", "FIO_OPT_ULL": "int",
    "FIO_OPT_STR_VAL": "size", "FIO_OPT_STR_VAL_TIME": "time", "FIO_OPT_RANGE": "range",
    "FIO_OPT_FLOAT_LIST": "float_list", "FIO_OPT_STR": "string", "FIO_OPT_STR_STORE": "string",
    "FIO_OPT_STR_MULTI": "string", "FIO_OPT_STR_VAL_ZONE": "size", "FIO_OPT_DEPRECATED": "deprecated",
    "FIO_OPT_SOFT_DEPRECATED": "deprecated", "FIO_OPT_UNSUPPORTED": "unsupported",
}


def entries(body):
    """The top-level {...} initialisers of a table body."""
    depth, start = 0, 0
    for i, c in enumerate(body):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                yield body[start:i]


def tables(text):
    out = {}
    for m in re.finditer(r"struct\s+fio_option\s+(\w+)\s*\[\s*\w*\s*\]\s*=\s*\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i]
        opts = []
        for e in entries(body):
            n = re.search(r"(?<!\w)\.name\s*=\s*\"([^\"]+)\"", e)
            if not n:
                continue
            a = re.search(r"\.alias\s*=\s*\"([^\"]+)\"", e)
            t = re.search(r"\.type\s*=\s*(\w+)", e)
            opts.append((n.group(1), a.group(1) if a else "-", TYPES.get(t.group(1), "string") if t else "string"))
        out[m.group(1)] = opts
    return out


def main(src):
    eng = os.path.join(src, "engines")
    texts = {f: open(os.path.join(eng, f), errors="replace").read() for f in sorted(os.listdir(eng))
             if f.endswith(".c") and f != "skeleton_external.c"}
    alltables = {}
    for t in texts.values():
        alltables.update(tables(t))
    rows = set()
    names = set()
    for f, t in texts.items():
        own = dict(alltables)
        own.update(tables(t))  # a file's own table first: most engines call theirs `options`
        for m in re.finditer(r"struct\s+ioengine_ops\s+\w+\s*=\s*\{(.*?)\n\};", t, re.S):
            body = m.group(1)
            n = re.search(r"\.name\s*=\s*\"([^\"]+)\"", body)
            o = re.search(r"\.options\s*=\s*(\w+)", body)
            if n:
                names.add(n.group(1))
            if not n or not o or o.group(1) not in own:
                continue
            for name, alias, typ in own[o.group(1)]:
                rows.add((n.group(1), name, alias, typ))
    # An #ifdef'd FIO_OPT_UNSUPPORTED twin of a real option (cmdprio without ioprio support).
    real = {(e, n) for e, n, a, t in rows if t != "unsupported"}
    rows = {r for r in rows if r[3] != "unsupported" or (r[0], r[1]) not in real}
    print("# Engine-specific options of fio 3.33, from its engines/*.c (examples/fio-examples/engine-options.py).")
    print("# 'engine NAME' lines name every engine; then: engine, option, alias (- if none), type")
    print("# (as in fio-3.33-options.txt).")
    for n in sorted(names):
        print("engine", n)
    for r in sorted(rows):
        print(" ".join(r))


main(sys.argv[1])
