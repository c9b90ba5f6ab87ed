# ~/.bash_aliases as many developer laptops have it.
alias ll='ls -alF'
alias dps='docker ps --format "table {{.Names}}\t{{.Status}}"'
alias dclean='docker rm -f $(docker ps -aq)'
alias dnuke="docker system prune -af --volumes"
alias drm='docker rm -f'
alias dlogs='docker logs -f'
alias dcrm='docker compose rm -f'
alias dcdown='docker compose down -v'
alias dimg='docker rmi -f $(docker images -q)'
alias dstop='docker stop $(docker ps -q)'
alias dkillall='docker kill $(docker ps -q)'
alias k9='docker kill -s HUP web'
