# mm/ sources linked into the hypervisor (the same files build host tests).
MM_HV_SRCS := mm/memmap.c mm/pmm.c
