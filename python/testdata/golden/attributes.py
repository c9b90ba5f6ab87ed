"""Clients and containers held in attributes and returned by methods."""
import docker
from docker.models.containers import Container


class DevServices:
    # A class attribute: what self.shared holds until a method sets it.
    shared = docker.from_env()

    def __init__(self):
        self.client = None
        self.container = None

    def connect(self):
        self.client = docker.from_env()

    def _docker(self):
        return self.client

    def start(self):
        self.container = self.client.containers.run("redis", detach=True)

    def reset(self, name):
        # hit: DG101 through self.client
        self.client.containers.get(name).remove(force=True)

    def reset_via_method(self, name):
        # hit: DG101 through self._docker()
        c = self._docker().containers.get(name)
        c.remove(force=True)

    def reset_shared(self, name):
        # hit: DG101 through the class attribute
        self.shared.containers.get(name).remove(force=True)

    def teardown(self):
        # hit: DG101 on the container the class started
        self.container.remove(force=True)

    def graceful(self):
        # trap: stopped with a timeout first
        self.container.stop(timeout=10)
        self.container.remove(force=True)

    def storm(self):
        # hit: DG105 over an unfiltered listing
        for c in self.client.containers.list(all=True):
            c.remove(force=True)

    def nested(self, name):
        def inner():
            # hit: DG101, self seen from a nested function
            self.client.containers.get(name).remove(force=True)
        inner()

    @staticmethod
    def static(self):
        # trap: a static method's first parameter is not self
        self.client.containers.get("x").remove(force=True)


class Registry:
    """A user class whose attribute holds a user object."""

    def __init__(self):
        self.store = Store()
        self.client = make_client()

    def drop(self, key):
        # trap: Store.remove is not the SDK's
        self.store.remove(key, force=True)
        # trap: make_client is unknown
        self.client.containers.get(key).remove(force=True)


class Mixed:
    def __init__(self, flag):
        if flag:
            self.thing = docker.from_env()
        else:
            self.thing = docker.APIClient()

    def drop(self, name):
        # trap: the attribute holds two different kinds
        self.thing.containers.get(name).remove(force=True)


class Holder:
    def __init__(self, c: Container):
        self.c = c

    def drop(self):
        # hit: DG101, the annotated parameter flows into the attribute
        self.c.remove(force=True)


class Store:
    def remove(self, key, force=False):
        pass
