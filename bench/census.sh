#!/usr/bin/env bash
# Census of the force-removal family on real code: compare dockguard's
# findings with labels written by reading the source.
#
# Usage: bench/census.sh LABELS [DOCKGUARD]
#   LABELS: a file of lines `MODULE@VERSION/PATH:LINE:RULE` (RULE is
#   DG101..DG105, or `none` for a candidate that is not a hit), and of
#   scope lines `scope MODULE@VERSION FRONTEND PREFIX` saying which files
#   were searched for candidates (FRONTEND is go or shell; PREFIX a path
#   prefix, `.` for the whole module). Modules come from the Go module
#   proxy (go mod download), their source from the module cache.
#   DOCKGUARD: the binary to run (default: built from this work tree).
# Go is checked with --go-mode=syntax (without type information). DG001
# findings in the shell-family scopes are listed and counted per module,
# those in CI workflows (.github/workflows, .gitlab-ci.yml) apart. A
# labelled hit counts as found when dockguard reports any rule of the
# family at its line; a family finding in scope at a line labelled none,
# or at no labelled line, is a false alarm. Every disagreement is listed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
labels=${1:?usage: bench/census.sh LABELS [DOCKGUARD]}
labels=$(cd "$(dirname "$labels")" && pwd)/$(basename "$labels")
work=$(mktemp -d -t dockguard-census.XXXXXX)
trap 'rm -rf "$work"' EXIT
bin=${2:-}
if [ -z "$bin" ]; then
  (cd "$repo" && go build -o "$work/dockguard" ./cmd/dockguard)
  bin=$work/dockguard
fi

# A module whose scopes are all shell is checked for the shell-family kinds
# only (the Go of kubernetes or cilium would take minutes and say nothing).
shellkinds=shell,makefile,github-workflow,github-action,gitlab-ci,circleci,package-json,taskfile,azure-pipelines,bitbucket-pipelines,drone,justfile,jenkinsfile,dockerfile,systemd,python
modules=$(sed -n 's/^scope \([^ ]*\) .*/\1/p' "$labels" | sort -u)
for m in $modules; do
  dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$m" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  out="$work/$(echo "$m" | tr '/@' '__').json"
  only=()
  if ! grep -q "^scope $m go " "$labels"; then
    only=(--only "$shellkinds")
  fi
  (cd "$dir" && "$bin" check --no-config --no-cache --go-mode=syntax "${only[@]}" --format json -o "$out" . 2>/dev/null) || true
  printf '%s\t%s\n' "$m" "$out" >>"$work/index"
done

python3 - "$labels" "$work/index" <<'PY'
import collections, json, sys
family = {"DG101", "DG102", "DG103", "DG104", "DG105"}
labels, scopes = {}, []
for raw in open(sys.argv[1]):
    line = raw.split("#", 1)[0].strip() if not raw.startswith("scope ") else raw.strip()
    if not line:
        continue
    if line.startswith("scope "):
        _, mod, fe, prefix = line.split()
        scopes.append((mod, fe, "" if prefix == "." else prefix))
        continue
    loc, rule = line.rsplit(":", 1)
    path, ln = loc.rsplit(":", 1)
    labels[(path, int(ln))] = rule

def frontend(path):
    return "go" if path.endswith(".go") else "shell"

def in_scope(mod, path):
    return any(m == mod and fe == frontend(path) and path.startswith(p) for m, fe, p in scopes)

def workflow(path):
    return path.startswith(".github/workflows/") or path.endswith(".gitlab-ci.yml")

found = collections.defaultdict(set)  # (modpath, line) -> rules
parse = {}  # module -> [DG001 in workflows, DG001 in other shell-family files, files checked]
for raw in open(sys.argv[2]):
    mod, out = raw.rstrip("\n").split("\t")
    res = json.load(open(out))
    parse[mod] = [0, 0, res["summary"]["filesScanned"]]
    for f in res["findings"]:
        if f["rule"] == "DG001" and frontend(f["file"]) == "shell" and in_scope(mod, f["file"]):
            parse[mod][0 if workflow(f["file"]) else 1] += 1
            print(f"DG001        {mod}/{f['file']}:{f['line']} {f['message'][:100]}")
        if f["rule"] in family and in_scope(mod, f["file"]):
            found[(mod + "/" + f["file"], f["line"])].add(f["rule"])

stats = collections.defaultdict(lambda: collections.Counter())
for key, rule in sorted(labels.items()):
    fe = frontend(key[0])
    got = found.get(key, set())
    if rule == "none":
        if got:
            stats[fe]["fp"] += 1
            print(f"false alarm  {key[0]}:{key[1]} labelled none, reported {','.join(sorted(got))}")
        continue
    if got:
        stats[fe]["tp"] += 1
        if rule not in got:
            stats[fe]["other_rule"] += 1
            print(f"other rule   {key[0]}:{key[1]} labelled {rule}, reported {','.join(sorted(got))}")
    else:
        stats[fe]["fn"] += 1
        print(f"miss         {key[0]}:{key[1]} labelled {rule}")
for key, got in sorted(found.items()):
    if key not in labels:
        stats[frontend(key[0])]["fp"] += 1
        print(f"unlabelled   {key[0]}:{key[1]} reported {','.join(sorted(got))}")
print()
print("| front end | labelled hits | found | other rule of the family | misses | false alarms | precision | recall |")
print("|---|---|---|---|---|---|---|---|")
for fe in sorted(stats):
    s = stats[fe]
    hits = s["tp"] + s["fn"]
    p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else float("nan")
    r = s["tp"] / hits if hits else float("nan")
    print(f"| {fe} | {hits} | {s['tp']} | {s['other_rule']} | {s['fn']} | {s['fp']} | {p:.2f} | {r:.2f} |")
print()
print("| module | files checked | labelled lines | labelled hits | DG001 in CI workflows | DG001 in other shell-family files |")
print("|---|---|---|---|---|---|")
for mod in sorted(parse):
    n = sum(1 for (p, _) in labels if p.startswith(mod + "/"))
    h = sum(1 for (p, _), r in labels.items() if p.startswith(mod + "/") and r != "none")
    w, o, files = parse[mod]
    print(f"| {mod} | {files} | {n} | {h} | {w} | {o} |")
PY
