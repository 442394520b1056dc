# Apus: one command each. Every target goes through the toolkit (`apus`, Toolkit/), which
# installs what is missing (QEMU and friends via apt-get) and explains its errors.
#   make run [KCMD="log=debug init=/bin/sh"]   build and boot in QEMU
#            [ADD=DIR] [INITRD=FILE]           lay DIR over the default image / boot your own cpio
#            [DISK=FILE]                       attach a raw image as /dev/vda (virtio-blk)
#            [ROOT=debian]                     boot Debian 12 from a disk (apus rootfs debian builds and caches it)
#            [NET=8080:80]                     virtio-net eth0 on QEMU's restricted user network, host 127.0.0.1:8080 -> guest port 80
#   make test                                  every check and test (what CI runs)
#   make ktest [FILTER=heap]                   in-kernel tests only
#   make debug [BREAK=Banner.print] [KCMD=...] boot under gdb
#   make bench [BENCH="--quick --only pipe"]   Apus vs Linux benchmarks -> bench/
#   make components [WRITE=1]                  check Components.toml (WRITE=1 regenerates the start-up file)
#   make build | tcb | lint | deps

APUS := .build-toolkit/debug/apus
SWIFT_BUILD_TOOLKIT := swift build --package-path Toolkit --scratch-path .build-toolkit

.PHONY: all toolkit build run test ktest debug tcb lint components deps bench clean
all: build

toolkit:
	@$(SWIFT_BUILD_TOOLKIT) --product apus 2>&1 | grep -v -E '^(\[[0-9]+/[0-9]+\]|Building for|Build of product|Planning build)' || true
	@test -x $(APUS) || { echo "the toolkit did not build; run: $(SWIFT_BUILD_TOOLKIT)"; exit 1; }

build: toolkit
	@$(APUS) build

# KCMD, ADD, INITRD and DISK reach apus verbatim through the environment ($(value) stops make from
# expanding a `$` in them, and the shell substitutes a variable's value without splitting it):
# apus splits KCMD into words as sh would and quotes each for the kernel's parser.
run debug: export APUS_RUN_KCMD = $(value KCMD)
run: export APUS_RUN_ADD = $(value ADD)
run: export APUS_RUN_INITRD = $(value INITRD)
run: export APUS_RUN_DISK = $(value DISK)
run: export APUS_RUN_NET = $(value NET)
run: export APUS_RUN_ROOT = $(value ROOT)
run: toolkit
	@$(APUS) run $(if $(value ADD),--add "$$APUS_RUN_ADD") $(if $(value INITRD),--initrd "$$APUS_RUN_INITRD") $(if $(value DISK),--disk "$$APUS_RUN_DISK") $(if $(value NET),--net "$$APUS_RUN_NET") $(if $(value ROOT),--root "$$APUS_RUN_ROOT") --kcmd "$$APUS_RUN_KCMD"

test: toolkit
	@$(APUS) test

ktest: toolkit
	@$(APUS) ktest $(FILTER)

debug: toolkit
	@$(APUS) debug $(if $(BREAK),--break $(BREAK)) --kcmd "$$APUS_RUN_KCMD"

tcb: toolkit
	@$(APUS) tcb

lint: toolkit
	@$(APUS) lint

components: toolkit
	@$(APUS) components $(if $(WRITE),--write)

deps: toolkit
	@$(APUS) deps

bench: toolkit
	@$(APUS) bench $(BENCH)

clean:
	rm -rf out .build-kernel .build-ktest .build-host
