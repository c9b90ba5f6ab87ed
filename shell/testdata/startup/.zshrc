# zsh: global and suffix aliases, and zsh-only syntax around them.
alias -g DRM='| xargs docker rm -f'
alias -g NUL='> /dev/null 2>&1'
alias -g G='| grep'
alias -s log='docker logs -f'
alias -gr DK='docker kill'
alias -m 'd*'
alias -L
alias +g
for f in ${(f)"$(ls)"}; do print -r -- $f; done
alias dclean='docker rm -f $(docker ps -aq)'
alias -g OPEN='docker rm -f "web'
# zsh expands aliases in every shell, scripts too.
alias drm='docker rm -f'
drm $(docker ps -aq)
drm web
# Global and suffix aliases are not followed at use.
ls DRM
alias -s txt='docker rm -f'
# zsh's command runs an external command, not the builtin.
command alias dz='docker kill web'
builtin alias dy='docker kill web'
