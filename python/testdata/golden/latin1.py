# -*- coding: latin-1 -*-
import subprocess
# café
subprocess.run(["docker", "rm", "-f", "café"], timeout=5)
