# syntax=docker/dockerfile:1
FROM alpine AS base
RUN docker rm -f web
RUN echo "docker rm -f web" && docker logs -f web
RUN apk add docker \
    # a comment in the middle
    && docker rm -f \
       db
RUN ["docker", "rm", "-f", "x"]
RUN ["sh", "-c", "docker kill web"]
HEALTHCHECK --interval=5s CMD docker rm -f probe || exit 1
RUN <<EOF2
docker rm -f heredoc
EOF2
RUN cat <<EOF2 > /x.sh
docker rm -f notrun
EOF2
RUN docker compose rm -f && docker rm --force=false y
ONBUILD RUN docker kill onb
SHELL ["powershell", "-Command"]
RUN docker rm -f ps1
SHELL ["cmd", "/S", "/C"]
RUN docker rm -f cmdline
FROM base
RUN docker rm -f inherit-cmd
