// Package gentree writes a synthetic repository for dockguard's speed
// benchmarks: mostly Go and text files that never mention docker, plus a few
// hundred shell scripts, Makefiles and workflows that do.
package gentree

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

const goBody = `
// Handler%[2]d_%[1]d serves one synthetic endpoint; the text only pads the tree.
func Handler%[2]d_%[1]d(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "value %%d: %%s\n", %[1]d, r.Form.Get("q"))
}
`

const textBody = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.\n"

const script = `#!/usr/bin/env bash
set -euo pipefail
# reset the dev stack %[1]d
DOCKER=${DOCKER:-docker}
docker stop --time 10 app-%[1]d && docker rm app-%[1]d
echo "docker rm -f is not run here"
docker rm -f legacy-%[1]d
for c in $(docker ps -aq --filter label=ci); do docker rm -f "$c"; done
docker ps -q | xargs -P 8 -n1 docker stop
docker logs -f app-%[1]d &
`

const makefile = `DOCKER ?= docker
.PHONY: clean up
up:
	$(DOCKER) compose up -d
clean:
	@$(DOCKER) rm -f svc-%[1]d
	-docker compose down -v
	docker compose rm -f
`

const workflow = `name: ci-%[1]d
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          docker build -t app:${{ github.sha }} .
          docker run --rm app:${{ github.sha }} go test ./...
          docker rm -f $(docker ps -aq)
      - shell: pwsh
        run: docker rm -f x
`

// Generate writes about n files totalling about total bytes under out.
func Generate(out string, n, total int) error {
	r := rand.New(rand.NewPCG(1, 2))
	docker := 300 + 100 + 100
	plain := n - docker
	per := (total - docker*600) / plain
	write := func(path, body string) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(body), 0o644)
	}
	fill := func(unit string, size int, file ...int) string {
		var b strings.Builder
		for i := 0; b.Len() < size; i++ {
			if len(file) > 0 {
				fmt.Fprintf(&b, unit, i, file[0])
			} else {
				b.WriteString(unit)
			}
		}
		return b.String()
	}
	for i := range plain {
		dir := filepath.Join(out, fmt.Sprintf("pkg%03d", i/100), fmt.Sprintf("sub%02d", i%10))
		size := per/2 + r.IntN(per)
		var err error
		if i%5 < 3 {
			err = write(filepath.Join(dir, fmt.Sprintf("f%05d.go", i)), "package sub\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n"+fill(goBody, size, i))
		} else {
			err = write(filepath.Join(dir, fmt.Sprintf("doc%05d.md", i)), fill(textBody, size))
		}
		if err != nil {
			return err
		}
	}
	for i := range 300 {
		if err := write(filepath.Join(out, "scripts", fmt.Sprintf("s%03d", i/50), fmt.Sprintf("run%03d.sh", i)), fmt.Sprintf(script, i)); err != nil {
			return err
		}
	}
	for i := range 100 {
		if err := write(filepath.Join(out, "services", fmt.Sprintf("svc%03d", i), "Makefile"), fmt.Sprintf(makefile, i)); err != nil {
			return err
		}
		if err := write(filepath.Join(out, fmt.Sprintf("app%03d", i), ".github", "workflows", "ci.yml"), fmt.Sprintf(workflow, i)); err != nil {
			return err
		}
	}
	return nil
}
