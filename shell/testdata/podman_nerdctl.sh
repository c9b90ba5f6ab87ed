#!/bin/sh
podman rm -f web
podman --remote rm --force web
podman -c prod kill web
podman pod rm -f pod1
podman stop -t 0 web
podman volume rm -f data
podman volume rm data
podman volume prune -f
podman system prune --volumes
podman rm -af
nerdctl -n k8s.io rm -f web
nerdctl --address /run/containerd/containerd.sock kill web
nerdctl volume rm -f data
nerdctl compose down -v
