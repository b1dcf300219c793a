/*
 * void efi_handoff(UINT64 entry, UINT64 boot_info): the jump into the
 * hypervisor (boot/image_header.h, step 3). Called after ExitBootServices()
 * on the firmware's page tables, which identity-map all memory. Does not
 * return; the hypervisor switches to its own stack.
 *
 * void efi_handoff_switched(entry, boot_info, switch_code, cr3, cr4,
 * stack_top): selftest=la57-entry (efi_la57.c). Moves to stack_top (below
 * 4 GiB), calls switch_code(cr3, cr4), a copy of paging_mode_switch
 * (boot/paging_mode_switch.asm) that keeps RBX and R12, then goes on as
 * efi_handoff(entry, boot_info).
 */
#include "boot/image_header.h"

	.text
	.globl efi_handoff_switched
	.type efi_handoff_switched, @function
efi_handoff_switched:
	cli
	movq %r9, %rsp			/* stack_top */
	movq %rdi, %rbx			/* entry */
	movq %rsi, %r12			/* boot_info */
	movq %rcx, %rdi			/* cr3 */
	movq %r8, %rsi			/* cr4 */
	call *%rdx			/* switch_code */
	movq %rbx, %rdi
	movq %r12, %rsi
	jmp efi_handoff
	.size efi_handoff_switched, . - efi_handoff_switched

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
