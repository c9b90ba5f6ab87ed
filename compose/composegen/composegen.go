// Package composegen writes a synthetic tree of compose projects for the
// compose benchmarks: per application folder a base file with anchors, merge keys
// and interpolation, an override, a production fragment and a test project
// that extends services across files, plus shared base files that many
// projects extend. It also writes projects.txt, one project per line (its
// config files, relative to the tree, in override order), so the bare
// compose-go loop loads exactly the projects dockguard discovers.
package composegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Generate writes the tree under out: apps application folders with four
// compose files each, and shared base files that they extend. It returns
// the projects, each as its config files relative to out in override order,
// and also writes them to out/projects.txt.
func Generate(out string, apps, shared int) ([][]string, error) {
	if shared < 1 {
		shared = 1
	}
	var projects [][]string
	write := func(rel, content string) error {
		p := filepath.Join(out, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(content), 0o644)
	}
	for s := 0; s < shared; s++ {
		rel := fmt.Sprintf("shared/base-compose-%d.yml", s)
		// Loaded through the projects that extend them, not on their own.
		if err := write(rel, sharedBase(s)); err != nil {
			return nil, err
		}
	}
	for a := 0; a < apps; a++ {
		dir := fmt.Sprintf("apps/team-%d/app-%d", a%7, a)
		files := map[string]string{
			dir + "/.env":                    fmt.Sprintf("APP_MEM=%dm\nDB_TAG=16.%d\nCOMPOSE_PROJECT_NAME=app%d\nREDIS_MAX=%dmb\n", 256+a%4*64, a%5, a, 100+a%3*50),
			dir + "/compose.yaml":            base(a, shared),
			dir + "/compose.override.yaml":   override(a),
			dir + "/docker-compose.prod.yml": prod(a),
			dir + "/docker-compose.test.yml": testProject(a),
		}
		for rel, content := range files {
			if err := write(rel, content); err != nil {
				return nil, err
			}
		}
		projects = append(projects,
			[]string{dir + "/compose.yaml", dir + "/compose.override.yaml", dir + "/docker-compose.prod.yml"},
			[]string{dir + "/docker-compose.test.yml"})
	}
	var lines []string
	for _, p := range projects {
		lines = append(lines, strings.Join(p, " "))
	}
	if err := write("projects.txt", strings.Join(lines, "\n")+"\n"); err != nil {
		return nil, err
	}
	return projects, nil
}

func sharedBase(s int) string {
	return fmt.Sprintf(`x-log: &log
  logging:
    driver: json-file
    options: {max-size: 10m, max-file: "3"}
services:
  jvm-%[1]d:
    <<: *log
    image: eclipse-temurin:21
    environment:
      JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75
    mem_limit: 768m
  node-%[1]d:
    <<: *log
    image: node:22
    environment: [NODE_OPTIONS=--max-old-space-size=256]
    deploy:
      resources:
        limits: {memory: 384m}
`, s)
}

func base(a, shared int) string {
	return fmt.Sprintf(`name: app%[1]d
x-defaults: &defaults
  restart: unless-stopped
  logging:
    driver: json-file
    options: {max-size: 10m}
x-small: &small
  deploy:
    resources:
      limits: {memory: 128m}
      reservations: {memory: 64m}
services:
  api:
    <<: *defaults
    build: ./api
    image: example/app%[1]d-api:${TAG:-latest}
    mem_limit: ${APP_MEM:-512m}
    environment:
      JAVA_OPTS: -Xms64m -Xmx200m
      DB_URL: postgres://db:5432/app
    depends_on: [db, cache]
    ports: ["80%02[1]d:8080"]
  worker:
    extends:
      file: ../../../shared/base-compose-%[2]d.yml
      service: jvm-%[2]d
    command: ["java", "-jar", "/app/worker.jar"]
  web:
    extends:
      file: ../../../shared/base-compose-%[2]d.yml
      service: node-%[2]d
  db:
    <<: *defaults
    image: postgres:${DB_TAG}
    deploy:
      resources:
        limits: {memory: 512M}
        reservations: {memory: 256M}
    volumes: [db:/var/lib/postgresql/data]
  cache:
    <<: [*defaults, *small]
    image: redis:7
    command: redis-server --maxmemory ${REDIS_MAX} --maxmemory-policy allkeys-lru
  sidecar:
    <<: *small
    image: busybox
    profiles: [debug]
volumes:
  db: {}
`, a, a%shared)
}

func override(a int) string {
	return fmt.Sprintf(`services:
  api:
    environment:
      LOG_LEVEL: debug
      FEATURE_%[1]d: "on"
    ports: !override ["90%02[1]d:8080"]
  cache:
    deploy:
      resources:
        limits: {memory: 256m}
`, a)
}

func prod(a int) string {
	return fmt.Sprintf(`services:
  api:
    mem_limit: 512m
    deploy:
      replicas: %d
  web:
    deploy:
      replicas: 2
`, 1+a%3)
}

func testProject(a int) string {
	return fmt.Sprintf(`services:
  e2e:
    image: example/e2e:%[1]d
    mem_limit: 256m
    command: ["npm", "test"]
    environment:
      NODE_OPTIONS: --max-old-space-size=192
  api:
    extends:
      file: compose.yaml
      service: cache
  stub-%[1]d:
    image: wiremock/wiremock
`, a)
}
