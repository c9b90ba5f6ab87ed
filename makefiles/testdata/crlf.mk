include common.mk

# Windows checkout with CRLF line endings.
D = docker

clean:
	$(D) rm \
	  --force \
	  web
	$(D) image rm -f app:old
