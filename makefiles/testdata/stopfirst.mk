# Stop, then remove, on separate recipe lines: make runs them in order.
clean:
	docker stop web || true
	docker rm -f web || true

reset:
	@docker stop --time 10 db
	-docker rm -f db cache

other:
	docker stop api
	docker run -d --name api nginx
	docker rm -f api

separate-rule:
	docker rm -f web
