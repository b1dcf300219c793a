/*
 * void efi_handoff(UINT64 entry, UINT64 boot_info): the jump into the
 * hypervisor (boot/image_header.h, step 3). Called after ExitBootServices()
 * on the firmware's page tables, which identity-map all memory. Does not
 * return; the hypervisor switches to its own stack.
 */
#include "boot/image_header.h"

	.text
	.globl efi_handoff
	.type efi_handoff, @function
efi_handoff:
	cli
	cld
	movq %rdi, %rax			/* entry */
					/* RSI = boot_info already */
	movl $HV_HANDOFF_MAGIC, %edi	/* zero-extends into RDI */
	jmp *%rax
	.size efi_handoff, . - efi_handoff

	.section .note.GNU-stack, "", @progbits
