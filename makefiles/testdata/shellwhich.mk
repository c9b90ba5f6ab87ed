# The container CLI found with $(shell which ...) and friends, at any depth
# of variable expansion.
DOCKERCMD=$(shell which docker)
DOCKERRMIMAGE=$(DOCKERCMD) rmi
DOCKERRM := $(DOCKERCMD) rm
PODMAN ?= $(shell command -v podman)
CLI ::= $(or $(shell which docker),podman)
ENGINE != which docker 2>/dev/null
TYPED = $(strip $(shell type -p docker))
NOTACLI = $(shell which jq)
LISTING = $(shell which docker) ps -aq

clean:
	$(DOCKERRMIMAGE) -f img
	$(DOCKERRM) -f web
	$(PODMAN) rm --force db
	$(CLI) container rm -f cache
	$(ENGINE) rmi -f base
	$(TYPED) kill web

ci: CI_DOCKER := $(shell which docker)
ci:
	$(CI_DOCKER) rm -f ci-web
	$(CI_DOCKER) += rm -f

traps:
	$(NOTACLI) rm -f web
	$(DOCKERCMD) rm web
	$(DOCKERCMD) compose rm -f
	$(DOCKERCMD) logs -f web
	echo "$(DOCKERRM) -f web"
	$(DOCKERCMD) rm --force=false web
