; The trap catcher (guest/trap.h): trap_call runs a routine with a resume
; point set; the exception stubs, one per vector, record what the CPU
; reported and go back to that point, dropping the routine's stack and the
; exception frame. There is no IRET back into the routine: a faulting
; instruction is never restarted inside trap_call.

bits 32

TRAP_VECTORS		equ 32		; guest/trap.h
TRAP_NONE		equ 0xffffffff
TRAP_REGS_EAX		equ 0		; struct trap_regs
TRAP_REGS_ECX		equ 4
TRAP_REGS_EDX		equ 8
TRAP_INFO_VECTOR	equ 0		; struct trap_info
TRAP_INFO_ERROR		equ 4
TRAP_INFO_EIP		equ 8

section .text

global trap_call
global trap_stubs

; uint32_t trap_call(void (*fn)(void), const struct trap_regs *regs,
;                    struct trap_info *info)
trap_call:
	push ebp
	mov ebp, esp
	push ebx
	push esi
	push edi
	sub esp, 12			; ESP 16-byte aligned at the call
	mov eax, [ebp + 16]
	mov [trap_info], eax
	mov [trap_resume_esp], esp
	mov edx, [ebp + 12]
	mov eax, [edx + TRAP_REGS_EAX]
	mov ecx, [edx + TRAP_REGS_ECX]
	mov edx, [edx + TRAP_REGS_EDX]
	call [ebp + 8]
	mov eax, TRAP_NONE
.resume:				; EAX = the result
	mov dword [trap_resume_esp], 0
	add esp, 12
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

; Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code (SDM Vol. 3,
; 6.13); the stubs of the others push a 0 in its place, so that every stub
; reaches trap_catch with the same frame.
%macro TRAP_STUB 1
trap_stub_%1:
%if !(%1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30)
	push 0
%endif
	push %1
	jmp trap_catch
%endmacro

%assign vector 0
%rep TRAP_VECTORS
	TRAP_STUB vector
%assign vector vector + 1
%endrep

; [ESP] = vector, then the error code, EIP, CS, EFLAGS.
trap_catch:
	cmp dword [trap_resume_esp], 0
	je .uncaught
	mov edx, [trap_info]
	mov eax, [esp + 4]
	mov [edx + TRAP_INFO_ERROR], eax
	mov eax, [esp + 8]
	mov [edx + TRAP_INFO_EIP], eax
	mov eax, [esp]
	mov [edx + TRAP_INFO_VECTOR], eax
	mov esp, [trap_resume_esp]
	jmp trap_call.resume

	; Not inside trap_call: with no IDT the instruction is restarted,
	; faults again and ends in a triple fault at its own address, as if
	; the catcher had never been installed. No register is touched.
.uncaught:
	lidt [trap_no_idt]
	add esp, 8
	iret

section .rodata

align 4
trap_stubs:
%assign vector 0
%rep TRAP_VECTORS
	dd trap_stub_ %+ vector
%assign vector vector + 1
%endrep

trap_no_idt:
	dw 0				; limit
	dd 0				; base

section .bss

align 4
trap_resume_esp:	resd 1		; 0: no trap_call running
trap_info:		resd 1		; its struct trap_info *

section .note.GNU-stack noalloc noexec nowrite progbits
