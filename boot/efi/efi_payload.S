/*
 * The hypervisor image, build/hv.elf, carried inside the application.
 * HV_ELF_PATH is set by boot/efi/efi.mk. Aligned so that its ELF headers
 * can be read in place.
 */
	.section .rodata.hv_elf, "a"
	.balign 4096
	.globl hv_elf_start
hv_elf_start:
	.incbin HV_ELF_PATH
	.globl hv_elf_end
hv_elf_end:

	.section .note.GNU-stack, "", @progbits
