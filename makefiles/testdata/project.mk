# Build, run and clean up the local stack.
DOCKER ?= docker
COMPOSE := $(DOCKER) compose
IMAGE ?= registry.example.com/acme/app
TAG := $(shell git rev-parse --short HEAD)
CONTAINERS = web worker
SUDO =

.PHONY: build run clean nuke logs help restart

build:
	$(DOCKER) build --force-rm -t $(IMAGE):$(TAG) .

run: build
	@$(DOCKER) run -d --name web --memory 512m $(IMAGE):$(TAG)

clean: ## stop and remove the app containers
	-$(DOCKER) stop --time 10 $(CONTAINERS)
	-$(DOCKER) rm -f $(CONTAINERS)
	$(COMPOSE) rm -f
	@echo "docker rm -f is not run here"
	# docker rm -f in a shell comment

nuke:
	$(DOCKER) ps -aq | xargs $(DOCKER) rm -f
	for c in $$($(DOCKER) ps -q); do \
	  $(DOCKER) kill $$c; \
	done
	$(SUDO) docker volume prune -f
	$(COMPOSE) down -v

logs:
	$(DOCKER) logs -f web

restart: ; $(DOCKER) restart -t 0 web

define HELP
docker rm -f inside define
endef
export HELP

help:
	@echo "$$HELP"
