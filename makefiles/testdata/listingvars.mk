# A variable whose value is a $(shell …) container listing is a listing:
# removing its words is a mass removal (DG105), not DG101, at any depth.
IDS = $(shell docker ps -aq)
SIMPLE := $(shell docker ps -q)
MAYBE ?= $(shell docker container ls -q)
MORE += $(shell docker ps -aq --filter label=ci)
BANG != docker ps -aq
INNER = $(shell docker ps -aq)
OUTER = $(INNER)
OWN = $(shell docker ps -aq --filter 'label=team=web')
STOPPED = $(shell docker ps -aq -f status=exited)
# Not listings: their words stay unknown (DG101 at most).
NAMES = $(shell cat names.txt)
IMAGES = $(shell docker images -q)

clean: TARGET_IDS = $(shell docker ps -q)
clean:
	docker rm -f $(IDS)
	docker rm -f $(SIMPLE)
	docker rm -f $(MAYBE)
	docker rm -f $(MORE)
	docker rm -f $(BANG)
	docker rm -f $(OUTER)
	docker kill $(TARGET_IDS)
	docker rm -f $(OWN)
	docker rm -f $(STOPPED)
	docker rm -f $(shell docker ps -aq)
	docker rm -f $(NAMES)
	docker rmi -f $(IMAGES)
	echo docker rm -f $(IDS)
