# Variables set by an included file (QUIET, CONTAINER_ENGINE,
# CONTAINER_TOOL): the CLI by its conventional name, the silencing prefix
# as a prefix.
include Makefile.defs

start-kvstores:
	-$(QUIET)$(CONTAINER_ENGINE) rm -f "etcd-test-container" 2> /dev/null   # hit: DG101
	$(QUIET)$(CONTAINER_ENGINE) run -d --name "etcd-test-container" quay.io/coreos/etcd

stop-kvstores:
	$(QUIET)$(CONTAINER_ENGINE) rm -f "etcd-test-container"   # hit: DG101

clean-image:
	$(Q)$(CONTAINER_TOOL) rmi -f $(IMG)   # hit: DG102
	$(E)docker kill reloader   # hit: DG104

clean:
	$(QUIET)for i in $(SUBDIRS); do $(MAKE) -C $$i clean; done
	-$(QUIET) for i in $(SUBDIRS); do $(MAKE) -C $$i clean; done
	$(QUIET)if [ -d out ]; then rm -rf out; fi

traps:
	$(QUIET)$(CONTAINER_ENGINE) rm "etcd-test-container"
	$(QUIET)$(CONTAINER_ENGINE) exec node rm -f /opt/cni/bin/cilium-cni
	$(QUIET)$(CONTAINER_ENGINE) context rm -f remote
	$(QUIET)$(BUILDER) rm -f "etcd-test-container"
	@echo $(CONTAINER_ENGINE) rm -f "etcd-test-container"
