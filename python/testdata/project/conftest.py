"""Fixtures for the container life-cycle suites."""
import docker
import pytest


@pytest.fixture(scope="session")
def docker_client():
    client = docker.from_env()
    yield client
    client.close()


@pytest.fixture
def postgres(docker_client):
    container = docker_client.containers.run(
        "postgres:16", detach=True, mem_limit="1g", labels={"suite": "lifecycle"}
    )
    yield container
    container.stop(timeout=10)
    container.remove()


@pytest.fixture(name="cache")
def redis_container(docker_client):
    return docker_client.containers.run("redis:7", detach=True)  # DG301
