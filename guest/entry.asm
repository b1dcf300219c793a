; Entry of the test guest, the first byte of its flat image. Every vCPU
; arrives here at once in the state docs/guest-abi.md describes: 32-bit
; protected mode, paging and interrupts off, EAX = HV_GUEST_MAGIC, EBX =
; vCPU id, ECX = vCPU count, ESI = params, no stack. Each vCPU takes the
; stack of its id and calls guest_main(vcpu_id, vcpu_count, params), which
; never returns.
;
; Segments stay as the hypervisor set them: the guest reloads no segment
; register and never enables interrupts. Only a test that must catch
; exceptions loads a GDT and an IDT of its own (guest/trap.h).

bits 32

HV_GUEST_MAGIC		equ 0x4d475648	; guest/abi.h
GUEST_MAX_VCPUS		equ 64		; guest/guest.h
GUEST_STACK_SIZE	equ 16384	; guest/guest.h

section .text.entry progbits alloc exec nowrite align=16

global guest_entry
extern guest_main

guest_entry:
	cld
	cmp eax, HV_GUEST_MAGIC
	jne .unusable
	cmp ebx, GUEST_MAX_VCPUS
	jae .unusable

	; ESP = top of guest_stacks[EBX]
	lea eax, [ebx + 1]
	imul eax, eax, GUEST_STACK_SIZE
	lea esp, [guest_stacks + eax]
	xor ebp, ebp

	; cdecl, with ESP 16-byte aligned at the call as gcc expects.
	sub esp, 4
	push esi
	push ecx
	push ebx
	call guest_main

	; Not entered as the ABI says, or a vCPU without a stack: nothing can
	; be reported without knowing the hypercall instruction. An #UD with
	; IDTR.limit = 0 is a triple fault, which stops the VM with this RIP.
.unusable:
	ud2
	jmp .unusable

section .bss nobits alloc noexec write align=16

guest_stacks:
	resb GUEST_MAX_VCPUS * GUEST_STACK_SIZE

section .note.GNU-stack noalloc noexec nowrite progbits
