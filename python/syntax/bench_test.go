package syntax

import (
	"strings"
	"testing"
)

// benchSource is realistic Python: a launcher and a pytest module with
// docstrings, f-strings, comments, decorators and nested calls, repeated
// to about 1 MB.
func benchSource() []byte {
	chunk := `
# Launch the development services.
import subprocess
from typing import Iterable

import docker
import pytest

SERVICES = ("postgres", "redis", "clickhouse")


class Launcher:
    """Start and stop the containers of the dev stack.

    Every container is labelled so that cleanup only touches its own.
    """

    def __init__(self, client: docker.DockerClient, prefix: str = "dev") -> None:
        self.client = client
        self.prefix = prefix

    def names(self) -> Iterable[str]:
        return [f"{self.prefix}-{s}" for s in SERVICES if s != "skip"]

    def stop(self, timeout: int = 10) -> None:
        for name in self.names():
            subprocess.run(["docker", "stop", "--time", str(timeout), name], check=True, timeout=60)
            subprocess.run(["docker", "rm", name], check=False, timeout=60)  # no force


@pytest.fixture(scope="session")
def client():
    c = docker.from_env()
    yield c
    c.close()


def test_start(client, tmp_path):
    container = client.containers.run("redis:7", detach=True, mem_limit="256m", labels={"app": "dev"})
    try:
        assert container.status in {"created", "running"}, f"unexpected {container.status!r}"
        value = 0x1f + 1_000 + 3.5e-2 + 2j
    finally:
        container.stop(timeout=10)
        container.remove()
`
	return []byte(strings.Repeat(chunk, 1<<20/len(chunk)))
}

// BenchmarkTokenize measures the tokenizer alone on one core (the issue's
// target is at least 50 MB/s). Besides MB/s of wall time it reports
// MB/cpu-s, MB per second of CPU time the process got, which is the
// figure that holds on a machine shared with other work.
func BenchmarkTokenize(b *testing.B) {
	src := benchSource()
	b.SetBytes(int64(len(src)))
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for b.Loop() {
		Tokenize(src)
	}
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(src))*float64(b.N)/1e6/cpu, "MB/cpu-s")
	}
}

// BenchmarkParse measures tokenizer and parser together.
func BenchmarkParse(b *testing.B) {
	src := benchSource()
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		Parse(src)
	}
}
