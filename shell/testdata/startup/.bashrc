# ~/.bashrc: interactive bash expands aliases, so a use runs the value
# with the words typed after it.
alias drm='docker rm -f'
drm $(docker ps -aq)
alias dps='docker ps -aq'
docker rm -f $(dps)
alias dk='docker kill'
dk $(dps)
for c in $(dps); do docker kill "$c"; done
docker ps -aq | xargs docker rm -f
alias dx='xargs docker rm -f'
dps | dx
# A value that ends in a blank has the next word replaced too.
alias sudo='sudo '
sudo drm $(docker ps -q)
# An alias whose value is only the binary: the use is the whole command.
alias d=docker
d rm -f web
d kill $(dps)
# Aliases of aliases, and an alias named like the binary it wraps.
alias dd='drm -v'
dd $(docker ps -aq)
alias docker='docker --context prod'
docker rm -f $(docker ps -aq)
unalias docker
# A use in a function defined after the alias is replaced when the
# function is read.
nuke() { drm $(docker ps -aq); }
# A double-quoted value keeps the listing made at definition.
alias dfrozen="docker rm -f $(docker ps -aq)"
dfrozen
# Not findings beyond the definition's own:
drm web
drm -v web db
dk web
dfrozen --volumes
# Not replaced: quoted or escaped words, words that are not the command,
# aliases used on the line that defines them or inside the if that does,
# later definitions, and forgotten aliases.
'drm' $(docker ps -aq)
"drm" $(docker ps -aq)
\drm $(docker ps -aq)
echo drm $(docker ps -aq)
command drm $(docker ps -aq)
alias dstop='docker stop'; dstop $(docker ps -q)
if command -v docker >/dev/null; then
  alias dkill='docker kill'
  dkill $(docker ps -q)
fi
# After the if: dkill exists now.
dkill $(docker ps -q)
dlater $(docker ps -aq)
alias dlater='docker kill'
unalias drm
drm $(docker ps -aq)
alias dk=''
dk $(docker ps -q)
unalias -a
d rm -f web
# A subshell's alias dies with it.
(alias dsub='docker rm -f')
dsub $(docker ps -aq)
dfunc() { alias dinner='docker rm -f'; }
dinner $(docker ps -aq)
