"""Clean up after the integration tests.

The old version called client.containers.list(all=True) and removed
each with force=True; this docstring is not code.
"""
import signal

import docker
from docker.models.containers import Container

client = docker.from_env()


def nuke_everything():
    for c in client.containers.list(all=True):
        c.remove(force=True)  # DG105: every container, running or not
    [c.kill() for c in client.containers.list()]  # DG105 in a comprehension


def remove_ours():
    for c in client.containers.list(all=True, filters={"label": "com.example.ci=1"}):
        c.remove(force=True)  # DG101: scoped, but still a kill
    for c in client.containers.list(all=True, filters={"status": "exited"}):
        c.remove(force=True)  # exited: nothing to kill


def one(name: str, cont: Container):
    client.containers.get(name).remove(force=True)  # DG101
    cont.remove(force=True)  # DG101 through the annotation
    cont.kill()  # DG104
    cont.kill(signal="SIGKILL")  # DG104
    cont.kill(signal=signal.SIGKILL)  # DG104
    cont.kill(9)  # DG104
    cont.kill(signal="SIGHUP")  # a reload
    cont.stop(timeout=0)  # DG104
    cont.remove(force=False)
    cont.remove()


def graceful(name):
    c = client.containers.get(name)
    c.stop(timeout=10)
    c.remove(force=True)  # stopped first: nothing left to kill


def kwargs(name):
    opts = {"force": True, "v": True}
    client.containers.get(name).remove(**opts)  # DG101 through a literal dict
    client.containers.get(name).remove(**{"force": False})


def low_level(cid):
    api = docker.APIClient(base_url="unix://var/run/docker.sock")
    api.remove_container(cid, force=True)  # DG101
    api.kill(cid)  # DG104
    api.stop(cid, timeout=0)  # DG104
    api.remove_image("app:old", force=True)  # DG102
    api.prune_volumes()  # DG107
    api.prune_volumes(filters={"label": "com.example.ci=1"})
    client.api.remove_container(cid, force=True)  # DG101
    hc = api.create_host_config(binds=["/data:/data"])  # DG301
    hc2 = api.create_host_config(mem_limit="512m")
    return hc, hc2


def images_and_volumes():
    client.images.remove("app:old", force=True)  # DG102
    client.images.remove("app:old")
    client.volumes.prune()  # DG107
    client.volumes.prune(filters={"label": "com.example.ci=1"})
    client.containers.prune()  # stopped containers only, as docker container prune


def start():
    client.containers.run("redis:7", detach=True)  # DG301
    client.containers.run("redis:7", detach=True, mem_limit=0)  # DG301: 0 is unlimited
    client.containers.run("redis:7", detach=True, mem_reservation="256m")  # DG301: a reservation is not a limit
    client.containers.create("postgres:16", mem_limit="1g")
    client.containers.run("redis:7", detach=True, mem_limit="256m")


class Janitor:
    """A user class with Docker-like method names."""

    def remove(self, force=False):
        return force

    def kill(self):
        pass


def user_classes(j: Janitor):
    j.remove(force=True)
    Janitor().kill()
    items = {}
    items.remove(force=True)


def get_docker_client():
    return docker.DockerClient(base_url="tcp://10.0.0.2:2375", timeout=300)


def restart_node(name):
    node_docker = get_docker_client()
    node_docker.containers.run("spdk:latest", name=name, detach=True)  # DG301 through the helper's return
    for node in node_docker.containers.list(all=True, filters={"ancestor": "spdk"}):
        if node.status == "running":
            node.stop(timeout=5)
            node.remove(force=True)  # stopped first
        else:
            node.remove(force=True)  # not running: nothing to kill
    for node in node_docker.containers.list(all=True, filters={"ancestor": "spdk"}):
        if node.status != "running":
            node.remove(force=True)  # not running
        else:
            node.remove(force=True)  # DG105: running, ancestor is not a label


def from_classmethod():
    c = docker.DockerClient.from_env()
    c.containers.get("x").kill()  # DG104
