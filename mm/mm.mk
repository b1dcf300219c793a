# mm/ sources linked into the hypervisor (the same files build host tests).
MM_HV_SRCS := mm/memmap.c mm/pmm.c

# The TDP MMU core.
MM_HV_SRCS += mm/tdp_age.c mm/tdp_audit.c mm/tdp_change.c mm/tdp_dirty.c \
	mm/tdp_fault.c mm/tdp_flush.c mm/tdp_iter.c mm/tdp_memslot.c mm/tdp_reclaim.c \
	mm/tdp_split.c mm/tdp_vm.c mm/tdp_zap.c

# What mm/ takes from the layers below when it is built on the host (the
# hypervisor links all of base/ and lib/ anyway): the trace, and the log
# and formatting its lines are written with.
MM_HOST_BASE_SRCS := $(sort $(wildcard base/trace*.c)) base/log.c base/log_ring.c \
	lib/format.c
