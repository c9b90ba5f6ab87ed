# Aliases run their value as code when used, with the words typed after
# the alias appended.
alias dclean='docker rm -f $(docker ps -aq)'
alias dnuke="docker system prune -af --volumes"
alias drm='docker rm -f'
alias dkill='docker kill'
alias dk=docker\ kill
alias 'dq=docker rm -f $(docker ps -q)'
alias da='docker stop web' db='docker rm -f db' dc='docker ps'
alias -- dd='docker rm --force "$@"'
alias dpipe='docker ps -aq | xargs docker rm -f'
# Double quotes: the listing runs once, at definition; the alias keeps it.
alias dfrozen="docker rm -f $(docker ps -aq)"
# '\'' inside single quotes.
alias dlabel='docker rm -f $(docker ps -aq --filter '\''label=dev'\'')'
alias dexited='docker rm -f $(docker ps -aq -f '\''status=exited'\'')'
ids=$(docker ps -q)
alias dids='docker kill $ids'
name=web
alias dname="docker rm -f $name"
alias dsh='sh -c "docker rm -f web"'
cleanup() { docker stop "$@"; }
alias dfunc='cleanup $(docker ps -q)'
rmall() { docker rm -f "$@"; }
alias drmall='rmall $(docker ps -aq)'
# A stop before the alias does not cover what it removes when used.
docker stop tmp
alias dtmp='docker rm -f tmp'
# Not findings:
alias dps='docker ps -a'
alias dlogs='docker logs -f'
alias dcrm='docker compose rm -f'
alias dvol='docker volume rm -f'
alias dnet='docker network rm -f'
alias dprune='docker system prune -f'
echo "alias x='docker rm -f'"
printf '%s\n' "alias y='docker kill'"
alias
alias -p
alias dclean
unalias dclean drm
# alias z='docker rm -f $(docker ps -aq)'
cat <<'EOF2'
alias h='docker rm -f $(docker ps -aq)'
EOF2
cat <<EOF2
alias h2='docker kill web'
EOF2
alias dstopped='docker rm -f $(docker ps -aq -f status=exited)'
alias dsafe='docker stop web && docker rm web'
alias dstr='echo docker rm -f web'
# A value that does not parse is reported, and the file goes on.
alias dbad='docker rm -f "web'
docker kill after
