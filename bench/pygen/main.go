// Command pygen writes a synthetic Python tree for bench/python.sh: most
// files are ordinary application code that never mentions a container
// CLI, and some run docker through subprocess or the Docker SDK.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

const plain = `"""Module %[1]d of the billing service.

Computes invoices, applies discounts and renders the summary.
"""
from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal
from typing import Iterable

log = logging.getLogger(__name__)

RATES = {"standard": Decimal("0.20"), "reduced": Decimal("0.05"), "zero": Decimal("0")}


@dataclasses.dataclass
class Line%[1]d:
    sku: str
    quantity: int
    price: Decimal
    rate: str = "standard"

    def total(self) -> Decimal:
        return self.price * self.quantity * (1 + RATES[self.rate])


class Invoice%[1]d:
    def __init__(self, customer: str, lines: Iterable[Line%[1]d]) -> None:
        self.customer = customer
        self.lines = list(lines)

    def total(self) -> Decimal:
        return sum((line.total() for line in self.lines), Decimal(0))

    def render(self) -> str:
        rows = [f"{l.sku:<12} {l.quantity:>4} {l.total():>10.2f}" for l in self.lines]
        if (n := len(rows)) > 20:
            log.info("long invoice for %%s: %%d lines", self.customer, n)
        return "\n".join([f"Invoice for {self.customer!r}", *rows, f"total {self.total():.2f}"])


def discount(invoice: Invoice%[1]d, percent: int) -> Decimal:
    match percent:
        case 0:
            return invoice.total()
        case p if 0 < p < 100:
            return invoice.total() * (100 - p) / 100
        case _:
            raise ValueError(f"bad discount {percent}")
`

const withDocker = `"""Test helpers %[1]d: start and clean the service containers."""
import shlex
import subprocess

import docker
import pytest

NAME = "svc-%[1]d"
BASE = ["docker", "--context", "ci"]


@pytest.fixture
def client():
    return docker.from_env()


def restart(cid):
    subprocess.run(["docker", "stop", "--time", "10", cid], check=True, timeout=60)
    subprocess.run(["docker", "rm", cid], check=True, timeout=60)


def hard_restart(cid):
    subprocess.run([*BASE, "rm", "-f", cid], timeout=60)
    subprocess.run(shlex.split(f"docker kill {cid}"), timeout=60)


def logs(cid):
    log = subprocess.run(["docker", "logs", "-f", cid], capture_output=True, timeout=60)
    print("docker rm -f would kill", cid)
    return log.stdout


def test_service(client):
    c = client.containers.run("redis:7", name=NAME, detach=True, mem_limit="256m")
    try:
        assert c.status in {"created", "running"}
    finally:
        c.stop(timeout=10)
        c.remove(force=True)


def test_cleanup(client):
    for c in client.containers.list(all=True):
        c.remove(force=True)
`

func main() {
	out := flag.String("out", "bench/_out/pytree", "output folder")
	files := flag.Int("files", 5000, "number of files")
	docker := flag.Int("docker", 200, "files with docker calls")
	flag.Parse()
	step := *files / max(*docker, 1)
	for i := range *files {
		dir := filepath.Join(*out, fmt.Sprintf("pkg%02d", i%50), fmt.Sprintf("sub%d", i%7))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		body := fmt.Sprintf(plain, i)
		name := fmt.Sprintf("module_%d.py", i)
		if i%step == 0 && i/step < *docker {
			body = fmt.Sprintf(withDocker, i) + strings.Repeat("\n", 2) + fmt.Sprintf(plain, i)
			name = fmt.Sprintf("test_docker_%d.py", i)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
