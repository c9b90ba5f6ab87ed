import subprocess

def broken(:
    pass

subprocess.run(["docker", "rm", "-f", "x"], timeout=5)  # still found
