from python_on_whales import DockerClient, docker
from testcontainers.core.container import DockerContainer
from testcontainers.postgres import PostgresContainer


def whales(name):
    docker.remove(name, force=True)  # DG101
    docker.container.remove(name, force=True)  # DG101
    docker.image.remove("app:old", force=True)  # DG102
    docker.kill(name)  # DG104
    docker.container.kill(name, signal="SIGHUP")  # a reload
    docker.volume.prune()  # DG107
    docker.container.prune()  # stopped containers only
    docker.run("redis:7", detach=True, memory=None)  # DG301
    docker.run("redis:7", detach=True)  # DG301
    docker.run("redis:7", detach=True, memory="256m")
    c = docker.run("redis:7", detach=True, memory="256m")
    c.remove(force=True)  # DG101
    remote = DockerClient(host="ssh://ci")
    remote.remove(name, force=True)  # DG101
    for ct in docker.ps():
        ct.remove(force=True)  # DG105
    docker.remove(name)


def testcontainers():
    pg = PostgresContainer("postgres:16")
    pg.start()
    pg.stop()  # DG101: stop() force-removes
    with DockerContainer("redis:7") as redis:  # not reported: see the rule's Not reported
        redis.get_exposed_port(6379)
