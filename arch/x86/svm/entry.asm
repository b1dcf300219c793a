; The SVM world switch (APM Vol. 2, 15.5 and 15.6): VMRUN with the guest's
; general registers loaded around it.
;
; VMRUN saves and restores only part of the host state (RIP, RSP, RAX,
; RFLAGS, CR0/3/4, EFER, GDTR/IDTR, ES/CS/SS/DS). FS, GS, TR, LDTR and the
; MSRs KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_* are the
; guest's after VMLOAD and stay the guest's after #VMEXIT, so the host's
; are kept with VMSAVE in a per-CPU page and loaded back with VMLOAD; the
; guest's go back into its VMCB with VMSAVE. From VMLOAD of the guest to
; VMLOAD of the host, GS base is the guest's: nothing may use %gs (the
; per-CPU data), which GIF = 0 guarantees for interrupts and NMIs.

section .text

; Offsets in struct vcpu_regs (arch/x86/vcpu_exit.h), checked in vcpu.c.
%define REGS_RBX 8
%define REGS_RCX 16
%define REGS_RDX 24
%define REGS_RSI 32
%define REGS_RDI 40
%define REGS_RBP 48
%define REGS_R8 56
%define REGS_R9 64
%define REGS_R10 72
%define REGS_R11 80
%define REGS_R12 88
%define REGS_R13 96
%define REGS_R14 104
%define REGS_R15 112

; Stack slots after the prologue.
%define SLOT_HOST_STATE 0
%define SLOT_VMCB 8
%define SLOT_REGS 16

global svm_vmrun

; void svm_vmrun(uint64_t vmcb_pa, uint64_t host_state_pa,
;                struct vcpu_regs *regs)
; Called with RFLAGS.IF = 0; returns with RFLAGS.IF = 0 and GIF = 1. The
; guest's RAX is in the VMCB, not in regs.
align 16
svm_vmrun:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdx			; SLOT_REGS
	push rdi			; SLOT_VMCB
	push rsi			; SLOT_HOST_STATE

	; GIF = 0 holds interrupts and NMIs until STGI. IF = 1 makes VMRUN
	; record the host's IF as set, so that with V_INTR_MASKING a host
	; interrupt arriving in the guest causes #VMEXIT (INTR intercept)
	; instead of waiting until the guest exits for another reason.
	clgi
	sti

	mov rax, rsi
	vmsave				; host FS/GS/TR/LDTR/syscall MSRs
	mov rax, rdi
	vmload				; guest's

	mov rax, rdx
	mov rbx, [rax + REGS_RBX]
	mov rcx, [rax + REGS_RCX]
	mov rdx, [rax + REGS_RDX]
	mov rsi, [rax + REGS_RSI]
	mov rdi, [rax + REGS_RDI]
	mov rbp, [rax + REGS_RBP]
	mov r8, [rax + REGS_R8]
	mov r9, [rax + REGS_R9]
	mov r10, [rax + REGS_R10]
	mov r11, [rax + REGS_R11]
	mov r12, [rax + REGS_R12]
	mov r13, [rax + REGS_R13]
	mov r14, [rax + REGS_R14]
	mov r15, [rax + REGS_R15]
	mov rax, [rsp + SLOT_VMCB]

	vmrun

	; #VMEXIT: RSP, RAX (the VMCB address) and RFLAGS are the host's
	; again, GIF = 0; every other general register is the guest's.
	mov rax, [rsp + SLOT_REGS]
	mov [rax + REGS_RBX], rbx
	mov [rax + REGS_RCX], rcx
	mov [rax + REGS_RDX], rdx
	mov [rax + REGS_RSI], rsi
	mov [rax + REGS_RDI], rdi
	mov [rax + REGS_RBP], rbp
	mov [rax + REGS_R8], r8
	mov [rax + REGS_R9], r9
	mov [rax + REGS_R10], r10
	mov [rax + REGS_R11], r11
	mov [rax + REGS_R12], r12
	mov [rax + REGS_R13], r13
	mov [rax + REGS_R14], r14
	mov [rax + REGS_R15], r15

	; Leave no guest values in the registers the C caller may keep
	; (the callee-saved ones are restored below).
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d

	mov rax, [rsp + SLOT_VMCB]
	vmsave				; guest's FS/GS/TR/LDTR/syscall MSRs
	mov rax, [rsp + SLOT_HOST_STATE]
	vmload				; host's: %gs is usable again

	; The host's frame pointer back before STGI: the NMI handler taken
	; there walks the backtrace from it (the fatal report of a CPU
	; stopped while it ran its guest). 8 slots below it: 5 registers
	; and the 3 slots above.
	lea rbp, [rsp + 64]

	; A host interrupt that caused the exit stays pending until the
	; caller enables interrupts; a held NMI is taken at STGI.
	cli
	stgi

	add rsp, 24
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
