# None of these runs a dangerous docker command.
CMD = docker rm -f assigned-only
override FLAGS += --force
web: CMD = docker kill target-var
	docker rm -f before-any-rule-is-not-a-recipe

define CLEANUP
	docker rm -f canned-but-never-used
endef

check:
	echo docker rm -f web
	printf '%s\n' "docker kill web"
	docker compose rm -f
	docker compose -f docker-compose.yml rm -f
	docker logs -f web
	docker ps -f status=exited
	docker network rm -f net
	docker volume rm -f data
	docker rm --force=false web
	docker kill -s HUP web
	docker system prune -f
	: docker rm -f after-colon-is-an-argument
