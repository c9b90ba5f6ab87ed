#!/bin/sh
# POSIX sh (dash, and bash run as sh) expands aliases in scripts.
alias drm='docker rm -f'
drm $(docker ps -aq)
