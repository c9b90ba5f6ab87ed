#!/bin/bash
# A bash script does not expand aliases: drm is a command of its own.
alias drm='docker rm -f'
alias dps='docker ps -aq'
drm $(docker ps -aq)
docker rm -f $(dps)
shopt -s expand_aliases; drm $(docker ps -q)
# From the line after shopt -s expand_aliases, it does.
drm $(docker ps -aq)
docker rm -f $(dps)
drm web
shopt -u expand_aliases
drm $(docker ps -aq)
# command and builtin run the builtins alias and eval.
command alias dc='docker rm -f $(docker ps -aq)'
builtin alias db='docker kill web'
command -p eval 'docker rm -f $(docker ps -q)'
builtin eval "docker kill web"
command -- eval 'docker kill web2'
builtin command eval 'docker kill web3'
# Not findings: command -v looks the name up, and echo prints.
command -v eval 'docker kill web4'
command echo eval 'docker kill web5'
