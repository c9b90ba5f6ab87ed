import subprocess


def test_rollback(migrated, cache):
    migrated.exec_run("migrate down")
    migrated.remove(force=True)  # DG101: a fixture two conftest.py files up
    cache.kill()  # DG104: the fixture named "cache"


def test_restart_graceful(postgres):
    postgres.stop(timeout=10)
    postgres.remove(force=True)  # stopped first


def test_cleanup(docker_client):
    for c in docker_client.containers.list(all=True):
        c.remove(force=True)  # DG105


def helper(postgres):
    postgres.remove(force=True)  # not a test: pytest passes nothing here


class TestSuite:
    def test_method(self, postgres):
        postgres.kill()  # DG104


def test_cli(postgres):
    subprocess.run(["docker", "rm", "-f", postgres.id], check=True)  # DG101, DG302
