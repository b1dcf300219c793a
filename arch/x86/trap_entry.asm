; Interrupt and exception entry stubs: one per vector, all into one common
; path that saves the general registers as a struct trap_frame
; (arch/x86/traps.h) and calls trap_dispatch(frame).

section .text

extern trap_dispatch

%macro TRAP_STUB 1
align 16
trap_stub_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
	push qword %1			; the CPU pushed an error code
%else
	push qword 0			; no error code: keep the frame uniform
	push qword %1
%endif
	jmp trap_common
%endmacro

%assign v 0
%rep 256
	TRAP_STUB v
%assign v v + 1
%endrep

trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; Make the backtrace run through the interrupted code: a frame whose
	; saved RBP/RIP are the interrupted ones.
	push qword [rsp + 17 * 8]	; interrupted RIP
	push rbp
	mov rbp, rsp
	call trap_dispatch
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16			; vector and error code
	iretq

section .rodata
global trap_stub_table
align 8
trap_stub_table:
%assign v 0
%rep 256
	dq trap_stub_%+v
%assign v v + 1
%endrep
