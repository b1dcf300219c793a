; Application-processor start-up trampoline. smp.c copies it to a page below
; 1 MiB, fills in the parameters at its end, and sends INIT-SIPI-SIPI. The AP
; starts here in real mode with CS = page >> 4, IP = 0, and goes real ->
; protected -> long mode on the hypervisor's own page tables, then jumps to
; ap_entry(cpu_id) on its own stack. The code is position-independent: it
; computes its linear base from CS and keeps it in EBX/RBX.

MSR_EFER	equ 0xc0000080
EFER_LME	equ 1 << 8
EFER_NXE	equ 1 << 11
CR0_PE		equ 1 << 0
CR0_MP		equ 1 << 1
CR0_ET		equ 1 << 4
CR0_NE		equ 1 << 5
CR0_WP		equ 1 << 16
CR0_PG		equ 1 << 31
; INIT leaves CR0.CD/NW as they were: set CR0 whole, caches on.
CR0_PROTECTED	equ CR0_PE | CR0_MP | CR0_ET | CR0_NE
CR0_PAGED	equ CR0_PROTECTED | CR0_WP | CR0_PG
CR4_PAE		equ 1 << 5

section .rodata
align 4096
global trampoline_start, trampoline_end, trampoline_params

bits 16
trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4			; EBX = linear base of this page

	; Patch the linear addresses the mode switches need.
	lea eax, [ebx + tr_gdt - trampoline_start]
	mov [tr_gdt_ptr + 2 - trampoline_start], eax
	lea eax, [ebx + tr_protected - trampoline_start]
	mov [tr_protected_ptr - trampoline_start], eax
	lea eax, [ebx + tr_long - trampoline_start]
	mov [tr_long_ptr - trampoline_start], eax

	lgdt [tr_gdt_ptr - trampoline_start]
	mov eax, CR0_PROTECTED
	mov cr0, eax
	jmp far dword [tr_protected_ptr - trampoline_start]

bits 32
tr_protected:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax

	; CR4 whole: PAE and nothing else, so LA57 is clear (the tables have
	; four levels) whatever INIT left; CR4.MCE comes later (mce.c).
	mov eax, CR4_PAE
	mov cr4, eax
	mov eax, [ebx + tr_cr3 - trampoline_start]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	cmp dword [ebx + tr_nx - trampoline_start], 0
	je .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, CR0_PAGED
	mov cr0, eax
	jmp far dword [ebx + tr_long_ptr - trampoline_start]

bits 64
tr_long:
	mov rsp, [rbx + tr_stack_top - trampoline_start]
	mov rdi, [rbx + tr_cpu_id - trampoline_start]
	mov rax, [rbx + tr_entry - trampoline_start]
	xor ebp, ebp
	push 0				; no return address: ends backtraces
	jmp rax

align 16
tr_gdt:
	dq 0
	dq 0x00af9a000000ffff		; 0x08: 64-bit code
	dq 0x00cf92000000ffff		; 0x10: data
	dq 0x00cf9a000000ffff		; 0x18: 32-bit code
tr_gdt_ptr:
	dw 4 * 8 - 1
	dd 0
align 4
tr_protected_ptr:
	dd 0
	dw 0x18
tr_long_ptr:
	dd 0
	dw 0x08

; Parameters, filled by smp.c for each AP (struct trampoline_params).
align 8
trampoline_params:
tr_cr3:		dq 0
tr_nx:		dq 0
tr_entry:	dq 0
tr_stack_top:	dq 0
tr_cpu_id:	dq 0
trampoline_end:
