# Canned recipes (define ... endef): a finding is reported on the line of
# the define where the command is written, once however often it is used.
DOCKER ?= docker

define RESET
	@echo resetting
	-$(DOCKER) rm -f web
endef

define GRACEFUL
	docker stop --time 10 api
	docker rm -f api
endef

define NEVER_USED
	docker rm -f never-expanded
endef

define SAYS
	echo docker rm -f only-words
endef

define APPENDED
	docker kill worker
endef
APPENDED += --signal KILL

define SELF
	docker rm -f loop $(SELF)
endef

reset:
	$(RESET)

again:
	$(RESET)

graceful:
	$(GRACEFUL)

says:
	$(SAYS)

appended:
	$(APPENDED)

self:
	$(SELF)
