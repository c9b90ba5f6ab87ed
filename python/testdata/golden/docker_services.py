#!/usr/bin/env python3
"""Dev launcher for the local stack.

Never run `docker rm -f $(docker ps -aq)` here: this docstring only
mentions it, and so does the log message below.
"""
import logging
import os
import shlex
import subprocess
import subprocess as sp
from concurrent.futures import ThreadPoolExecutor
from subprocess import check_call

log = logging.getLogger(__name__)

DOCKER = "docker"
BASE = [DOCKER, "--context", "dev"]
SERVICES = ["postgres", "redis", "clickhouse", "api", "worker", "web"]


def restart_hard(name):
    log.info("running docker rm -f %s", name)  # a log message, not a command
    subprocess.run(["docker", "rm", "-f", name], check=True, timeout=30)  # DG101
    subprocess.run([*BASE, "rm", "--force", name], timeout=30)  # DG101 through [*BASE, ...]
    sp.call(BASE + ["kill", name], timeout=30)  # DG104 through concatenation


def restart_graceful(name):
    # Stop with a timeout, then remove: -f has nothing left to kill.
    subprocess.run(["docker", "stop", "--time", "10", name], check=True, timeout=60)
    subprocess.run(["docker", "rm", "-f", name], check=True, timeout=60)


def from_strings(cid):
    subprocess.run(shlex.split("docker rm -f " + cid), timeout=10)  # DG101, target unknown
    subprocess.run(shlex.split(f"docker rm -f {cid}"), timeout=10)  # DG101 from an f-string
    os.system("docker rm -f {}".format(cid))  # DG101 through the shell
    os.system("docker stop -t 0 %s" % cid)  # DG104
    subprocess.run(f"docker rmi -f {cid}-image", shell=True, timeout=10)  # DG102
    subprocess.run("docker ps -aq | xargs docker rm -f", shell=True, timeout=10)  # DG105


def no_timeout():
    check_call(["docker", "compose", "up", "-d"])  # DG302 only
    subprocess.check_output(["docker", "ps", "-q"], timeout=None)  # DG302: None waits for ever


def traps(cid):
    subprocess.run("docker compose rm -f", shell=True, timeout=10)  # only skips the prompt
    subprocess.run(["docker", "logs", "-f", cid], timeout=10)  # follow, not force
    subprocess.run(["docker", "rm", "--force=false", cid], timeout=10)
    subprocess.run(["docker", "volume", "rm", "-f", "data"], timeout=10)  # ignores a missing volume
    subprocess.run(["echo", "docker rm -f", cid], timeout=10)
    subprocess.run("docker rm -f x")  # no shell=True: a program named "docker rm -f x"
    subprocess.run(["docker", "kill", "-s", "HUP", cid], timeout=10)  # a reload
    print("docker rm -f " + cid)
    msg = f"docker kill {cid}"
    log.warning(msg)


def exited_only():
    ids = subprocess.check_output(["docker", "ps", "-aq", "--filter", "status=exited"], timeout=10).split()
    for cid in ids:
        subprocess.run(["docker", "rm", "-f", cid], timeout=10)  # nothing runs: no kill


def everything():
    for cid in subprocess.check_output(["docker", "ps", "-q"], timeout=10).split():
        subprocess.run(["docker", "rm", "-f", cid], timeout=10)  # DG105


def other_runners(name):
    os.execvp("docker", ["docker", "kill", name])  # DG104
    os.spawnlp(os.P_WAIT, "docker", "docker", "rm", "-f", name)  # DG101
    subprocess.Popen(["sudo", "docker", "rm", "-f", name])  # DG101 behind sudo
    subprocess.run(["sh", "-c", "docker system prune -af --volumes"], timeout=60)  # DG107
    subprocess.run(["xargs", "-P", "0", "-n1", "docker", "stop"], input="a b", timeout=60)  # DG106


async def async_runners(name):
    import asyncio
    p = await asyncio.create_subprocess_exec("docker", "rm", "-f", name)  # DG101
    q = await asyncio.create_subprocess_shell(f"docker kill {name}")  # DG104
    return p, q


def stop(name):
    subprocess.run(["docker", "stop", name], timeout=60)


def stop_all():
    with ThreadPoolExecutor(max_workers=16) as pool:  # DG106: 16 > 3
        pool.map(stop, SERVICES)
    with ThreadPoolExecutor() as pool:  # DG106: unbounded default
        for s in SERVICES:
            pool.submit(stop, s)
    with ThreadPoolExecutor(max_workers=3) as pool:  # within the limit
        pool.map(stop, SERVICES)
    with ThreadPoolExecutor(max_workers=32) as pool:  # runs no docker call
        pool.map(len, SERVICES)


def sh_and_plumbum(name):
    import sh
    from plumbum import local
    sh.docker("rm", "-f", name)  # DG101
    sh.docker.rm(name, force=True)  # DG101 (force=True is --force)
    local["docker"]["rm", "-f", name]()  # DG101
    dk = local["docker"]
    dk("kill", name)  # DG104
