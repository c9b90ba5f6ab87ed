#!/usr/bin/env bash
# Hostile inputs: generates each case in a temporary folder next to an
# ordinary script with a known finding, runs `dockguard check` on the folder
# and prints, per case, the exit code, wall time, CPU time, peak RSS and
# whether the ordinary file was still reported. It fails when a case crashes
# (exit 2 or a Go fatal error), loses the other file, peaks above 300 MiB, or
# takes more than 5 s of CPU time.
#
# The time bound is on CPU time (user + system), not wall time: on a loaded
# CI machine a run waits for a CPU, and wall time measures that wait, while
# the defects this guards against (quadratic scans, merge bombs, unbounded
# recursion) burn CPU. Wall time is printed for the README's table.
#
# Usage: scripts/hostile.sh [dockguard-binary]   (default: builds one)
# Needs GNU time (/usr/bin/time, Debian package `time`) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_CPU=${HOSTILE_MAX_CPU:-5}
MAX_RSS_KIB=$((300 * 1024))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$work/dockguard
  go build -o "$bin" ./cmd/dockguard
fi
if [ ! -x /usr/bin/time ]; then
  echo "hostile.sh: /usr/bin/time (Debian package time) is needed for peak RSS" >&2
  exit 2
fi

rep() { # rep STRING COUNT: STRING repeated COUNT times, no newline
  local s=$1 n=$2
  head -c $((${#s} * n)) < <(yes -- "$s" | tr -d '\n')
}

# Each case_NAME function fills the current folder.
case_env_file_dev_zero() { printf 'services:\n  a:\n    image: x\n    env_file: /dev/zero\n' > compose.yaml; }
case_env_file_sparse_2g() { printf 'services:\n  a:\n    image: x\n    env_file: big.env\n' > compose.yaml; truncate -s 2G big.env; }
case_dotenv_fifo() { printf 'services:\n  a:\n    image: x\n    mem_limit: ${M:-1g}\n' > compose.yaml; mkfifo .env; }
case_dotenv_symlink_dev_zero() { printf 'services:\n  a:\n    image: x\n' > compose.yaml; ln -s /dev/zero .env; }
case_include_dev_zero() { printf 'include:\n  - /dev/zero\nservices:\n  a:\n    image: x\n' > compose.yaml; }
case_extends_fifo() { printf 'services:\n  a:\n    extends:\n      file: base.yml\n      service: b\n' > compose.yaml; mkfifo base.yml; }
case_label_file_fifo() { printf 'services:\n  a:\n    image: x\n    label_file: l\n' > compose.yaml; mkfifo l; }
compose_file_case() { printf 'services:\n  a:\n    image: x\n' > compose.yaml; printf 'COMPOSE_FILE=%s\n' "$1" > .env; }
case_compose_file_fifo() { compose_file_case f.yml; mkfifo f.yml; }
case_compose_file_dev_zero() { compose_file_case /dev/zero; }
case_compose_file_sparse_2g() { compose_file_case big.yml; truncate -s 2G big.yml; }
case_compose_file_symlink_loop() { compose_file_case l1; ln -s l2 l1; ln -s l1 l2; }
case_compose_merge_bomb() {
  {
    echo 'x-m0: &m0 {a: 1}'
    for l in $(seq 1 11); do
      refs=$(for _ in $(seq 10); do printf '*m%d, ' $((l - 1)); done)
      printf 'x-m%d: &m%d\n  <<: [%s]\n  k%d: 1\n' "$l" "$l" "${refs%, }" "$l"
    done
    printf 'services:\n  web:\n    image: x\n    labels:\n      <<: *m11\n'
  } > compose.yaml
}
case_gitlab_merge_bomb() {
  mkdir -p g && {
    echo 'x-m0: &m0 {a: 1}'
    for l in $(seq 1 11); do
      refs=$(for _ in $(seq 10); do printf '*m%d, ' $((l - 1)); done)
      printf 'x-m%d: &m%d\n  <<: [%s]\n  k%d: 1\n' "$l" "$l" "${refs%, }" "$l"
    done
    printf 'job:\n  <<: *m11\n  script:\n    - docker rm -f a\n'
  } > .gitlab-ci.yml
}
case_shell_2mb_paren() { { echo 'docker ps'; rep '(' 2000000; } > deep.sh; }
case_shell_2mb_arith() { { echo 'docker ps'; rep '((' 1000000; } > deep.sh; }
case_shell_2mb_cmdsubst() { { echo 'docker ps'; printf 'echo '; rep '$(' 1000000; } > deep.sh; }
case_shell_100k_balanced() { { echo 'docker ps'; rep '(' 100000; printf true; rep ')' 100000; echo; } > deep.sh; }
case_workflow_deep_run() {
  mkdir -p .github/workflows
  { printf 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: docker ps; '; rep '(' 1000000; echo; } > .github/workflows/ci.yml
}
case_python_2mb_paren() { { echo 'import subprocess'; printf 'x = '; rep '(' 2000000; echo; } > deep.py; }
case_python_100k_not() { { echo 'import docker'; printf 'x = '; rep 'not ' 100000; echo 'docker'; } > deep.py; }
case_python_fstring_nest() { { echo 'import docker'; printf 'x = '; rep 'f"{' 100000; echo; } > deep.py; }
case_python_150_indent() { { echo 'import docker'; for i in $(seq 0 150); do printf '%*sif x:\n' "$i" ''; done; printf '%*spass\n' 151 ''; } > deep.py; }
case_makefile_32k_nested() { { printf 'X = '; rep '$(' 32000; rep ')' 32000; printf '\nt:\n\tdocker ps\n'; } > Makefile; }
case_makefile_200k_nested() { { printf 'X = '; rep '$(' 200000; printf '\nt:\n\tdocker ps\n'; } > Makefile; }
case_makefile_400kb_shell_calls() { { printf 'X = '; rep '$(shell ' 50000; rep ')' 50000; printf '\nt:\n\tdocker ps\n'; } > Makefile; }
case_makefile_400kb_recipe() { { printf 't:\n\techo '; rep '$(' 200000; rep ')' 200000; echo; } > Makefile; }

cases=$(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
fail=0
printf '| case | exit | wall | CPU | peak RSS | other files reported |\n|---|---|---|---|---|---|\n'
for c in $cases; do
  d=$work/$c
  mkdir -p "$d/other"
  printf '#!/bin/sh\ndocker rm -f web\n' > "$d/other/run.sh"
  (cd "$d" && "case_$c")
  set +e
  (cd "$d" && timeout 120 /usr/bin/time -f '%e %U %S %M' -o "$work/$c.time" "$bin" check --no-config . > "$work/$c.out" 2> "$work/$c.err")
  code=$?
  set -e
  read -r wall user sys rss < <(tail -n 1 "$work/$c.time") || { wall=?; user=0; sys=0; rss=0; }
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  other=yes
  grep -q '^other/run.sh:2:1:' "$work/$c.out" || other=no
  why=
  if [ "$code" = 2 ] || [ "$code" -ge 124 ] || grep -q '^fatal error' "$work/$c.err"; then why="crashed or hung (exit $code)"; fi
  [ "$other" = yes ] || why="$why; lost the other file"
  awk -v c="$cpu" -v m="$MAX_CPU" 'BEGIN { exit !(c > m) }' && why="$why; CPU ${cpu}s > ${MAX_CPU}s"
  [ "$rss" -le "$MAX_RSS_KIB" ] || why="$why; peak RSS $((rss / 1024)) MiB > 300 MiB"
  printf '| %s | %s | %s s | %s s | %d MiB | %s |\n' "${c//_/-}" "$code" "$wall" "$cpu" $((rss / 1024)) "$other"
  if [ -n "$why" ]; then
    echo "hostile.sh: $c: ${why#; }" >&2
    head -c 2000 "$work/$c.err" >&2
    fail=1
  fi
done
exit $fail
