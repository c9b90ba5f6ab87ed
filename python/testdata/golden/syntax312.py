# -*- coding: utf-8 -*-
import subprocess
from dataclasses import dataclass


type Names = list[str]


def first[T](xs: list[T]) -> T:
    return xs[0]


@dataclass
class Svc:
    name: str

    async def stop(self):
        if (n := len(self.name)) > 0:
            print(f"stopping {self.name!r:>{n}} {f'{self.name}'} {self.name=}")
        match self.name:
            case "db" | "cache":
                subprocess.run(["docker", "rm", "-f", self.name], timeout=5)  # DG101
            case {"x": y} if y:
                pass
            case _:
                subprocess.run(["docker", "stop", self.name], timeout=5)


x = 1 + \
    2
