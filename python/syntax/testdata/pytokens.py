"""Print the token stream (python3 -m tokenize's, with exact operator
types) and whether ast.parse accepts the file, for each file named on
standard input. Used by the differential test of the Go tokenizer."""
import ast
import sys
import tokenize

for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    with open(path, "rb") as f:
        src = f.read()
    toks = []
    tokok = 1
    try:
        with open(path, "rb") as f:
            for t in tokenize.tokenize(f.readline):
                if t.type == tokenize.ENCODING:
                    continue
                name = tokenize.tok_name[t.type]
                text = t.string if t.type == tokenize.OP else ""
                toks.append("T %s %d %d %d %d %s" % (name, t.start[0], t.start[1], t.end[0], t.end[1], text))
    except Exception:
        tokok = 0
    astok = 1
    try:
        ast.parse(src)
    except Exception:
        astok = 0
    print("F %d %d %s" % (tokok, astok, path))
    if tokok:
        print("\n".join(toks))
    print("E")
