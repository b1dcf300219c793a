; The VMX world switch (SDM Vol. 3C, 26 "VM Entries" and 28 "VM Exits"):
; VMLAUNCH or VMRESUME with the guest's general registers loaded around
; it.
;
; A VM exit loads the host state of the VMCS: RIP = vmx_vmexit, RSP = the
; value written to HOST_RSP just before the entry, RFLAGS = 2 (IF = 0),
; CR0/3/4, segment registers and bases, EFER and PAT. Every general
; register but RSP is the guest's, so the stack slot at HOST_RSP holds
; the regs pointer.

section .text

; Offsets in struct vcpu_regs (arch/x86/vcpu_exit.h), checked in vcpu.c.
%define REGS_RAX 0
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

%define VMCS_HOST_RSP 0x6c14

; enum vmx_run_result (vmx.h)
%define VMX_RUN_EXITED 0
%define VMX_RUN_FAIL_INVALID 1
%define VMX_RUN_FAIL_VALID 2

global vmx_vmrun
global vmx_vmexit

; int vmx_vmrun(struct vcpu_regs *regs, bool launched)
; Called with RFLAGS.IF = 0 and the vCPU's VMCS current; returns with
; RFLAGS.IF = 0.
align 16
vmx_vmrun:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; the regs pointer, at HOST_RSP

	mov eax, VMCS_HOST_RSP
	vmwrite rax, rsp
	jbe .failed

	; MOV leaves the flags alone: ZF still says which instruction.
	test sil, sil
	mov rax, rdi
	mov rbx, [rax + REGS_RBX]
	mov rcx, [rax + REGS_RCX]
	mov rdx, [rax + REGS_RDX]
	mov rsi, [rax + REGS_RSI]
	mov rbp, [rax + REGS_RBP]
	mov r8, [rax + REGS_R8]
	mov r9, [rax + REGS_R9]
	mov r10, [rax + REGS_R10]
	mov r11, [rax + REGS_R11]
	mov r12, [rax + REGS_R12]
	mov r13, [rax + REGS_R13]
	mov r14, [rax + REGS_R14]
	mov r15, [rax + REGS_R15]
	mov rdi, [rax + REGS_RDI]
	mov rax, [rax + REGS_RAX]
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume

	; The entry (or the VMWRITE of HOST_RSP) failed before the guest
	; ran (VMfailInvalid: CF = 1, VMfailValid: ZF = 1): RSP is ours, the
	; other registers may hold the guest's values, which did not change,
	; so nothing is stored back.
.failed:
	mov eax, VMX_RUN_FAIL_INVALID
	mov ecx, VMX_RUN_FAIL_VALID
	cmovz eax, ecx
	jmp vmx_vmrun_return

align 16
vmx_vmexit:
	push rax			; the guest's RAX
	mov rax, [rsp + 8]		; regs
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
	pop qword [rax + REGS_RAX]

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
	xor eax, eax			; VMX_RUN_EXITED

vmx_vmrun_return:
	add rsp, 8			; the regs pointer
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
