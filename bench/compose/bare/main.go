// Command bare is the baseline of the compose benchmark: it loads every
// project listed in a tree's projects.txt with compose-go's LoadProject, as
// `docker compose config` would, and nothing else.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/sirupsen/logrus"
)

func main() {
	tree := flag.String("tree", "", "tree written by bench/compose/gen (required)")
	flag.Parse()
	if *tree == "" {
		log.Fatal("bare: -tree is required")
	}
	logrus.SetLevel(logrus.ErrorLevel)
	list, err := os.ReadFile(filepath.Join(*tree, "projects.txt"))
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	projects, services, files := 0, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(list))
	for sc.Scan() {
		var cfgs []string
		for _, rel := range strings.Fields(sc.Text()) {
			cfgs = append(cfgs, filepath.Join(*tree, rel))
		}
		if len(cfgs) == 0 {
			continue
		}
		o, err := cli.NewProjectOptions(cfgs,
			cli.WithWorkingDirectory(filepath.Dir(cfgs[0])),
			cli.WithOsEnv, cli.WithEnvFiles(), cli.WithDotEnv,
			cli.WithConfigFileEnv, cli.WithDefaultProfiles("*"))
		if err != nil {
			log.Fatal(err)
		}
		p, err := o.LoadProject(context.Background())
		if err != nil {
			log.Fatalf("bare: %s: %v", sc.Text(), err)
		}
		projects++
		files += len(cfgs)
		services += len(p.Services) + len(p.DisabledServices)
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bare: %d projects (%d -f files, %d services) in %v\n", projects, files, services, time.Since(start))
}
