; The two exception loops of guest/exception_loop.h: a delivery of #AC
; that raises #AC again (32-bit, CPL 3, a misaligned stack) and a delivery
; of #DB that raises #DB again (64-bit, the #DB gate on an IST stack that
; a data breakpoint watches). Each routine builds its own descriptor
; tables, enters the loop, and comes back through loop_resume once an
; exception reaches one of its ring-0 stubs, restoring the caller's GDT,
; IDT, segments and stack.

bits 32

CODE32		equ 0x08	; both tables: the entry state's flat selectors
DATA		equ 0x10
AC_USER_CODE	equ 0x1b	; ring 3, RPL 3
AC_USER_DATA	equ 0x23
AC_TSS		equ 0x28
DB_CODE64	equ 0x18
DB_TSS		equ 0x20

CR0_PG		equ 1 << 31
CR0_AM		equ 1 << 18
CR4_PAE		equ 1 << 5
EFER_MSR	equ 0xc0000080
EFER_LME	equ 1 << 8
RFLAGS_AC	equ 1 << 18
RFLAGS_FIXED	equ 1 << 1

; DR7: breakpoint 0 on data writes of 8 bytes, local, exact.
DR7_DB_LOOP	equ 0x400 | 1 | 1 << 8 | 1 << 16 | 2 << 18
DR7_OFF		equ 0x400

VECTORS		equ 32
AC_VECTOR	equ 17
DB_VECTOR	equ 1

; struct loop_result (guest/exception_loop.h)
RESULT_VECTOR	equ 0
RESULT_ERROR	equ 4
RESULT_IP	equ 8
RESULT_SP	equ 12
RESULT_DR6	equ 16
RESULT_IST	equ 20

section .text

global ac_loop_run
global db_loop_run
global loop_stub32_17		; #AC's ring-0 stub
global loop_stub64_1		; #DB's stub

; Saves what loop_resume restores; [ebp + 8] = the result.
%macro LOOP_SAVE 0
	push ebp
	mov ebp, esp
	push ebx
	push esi
	push edi
	mov eax, [ebp + 8]
	mov [loop_out], eax
	sgdt [saved_gdtr]
	sidt [saved_idtr]
	mov [saved_esp], esp
%endmacro

; uint32_t ac_loop_run(struct loop_result *out)
ac_loop_run:
	LOOP_SAVE
	mov dword [ac_tss + 4], ac_kernel_stack_top	; ESP0
	mov dword [ac_tss + 8], DATA			; SS0
	mov word [ac_tss + 102], 104			; no I/O bitmap
	mov byte [ac_gdt + AC_TSS + 5], 0x89		; available, not busy
	mov eax, ac_tss
	mov [ac_gdt + AC_TSS + 2], ax
	shr eax, 16
	mov [ac_gdt + AC_TSS + 4], al
	mov [ac_gdt + AC_TSS + 7], ah
	; every vector to its ring-0 stub, but #AC to the ring-3 handler
	xor ecx, ecx
.gate:
	mov eax, [loop_stubs32 + ecx * 4]
	mov dx, CODE32
	cmp ecx, AC_VECTOR
	jne .set
	mov eax, ac_user_handler
	mov dx, AC_USER_CODE
.set:
	mov [ac_idt + ecx * 8], ax
	mov [ac_idt + ecx * 8 + 2], dx
	mov byte [ac_idt + ecx * 8 + 4], 0
	mov byte [ac_idt + ecx * 8 + 5], 0x8e	; present, DPL 0, 32-bit
	shr eax, 16
	mov [ac_idt + ecx * 8 + 6], ax
	inc ecx
	cmp ecx, VECTORS
	jb .gate
	lgdt [ac_gdtr]
	lidt [ac_idtr]
	mov ax, AC_TSS
	ltr ax
	mov eax, cr0
	or eax, CR0_AM
	mov cr0, eax
	; to CPL 3, EFLAGS.AC set, on a stack 2 bytes off alignment
	push AC_USER_DATA
	push ac_user_stack_top - 2
	push RFLAGS_AC | RFLAGS_FIXED
	push AC_USER_CODE
	push ac_user_code
	mov ax, AC_USER_DATA
	mov ds, ax
	mov es, ax
	iretd

; CPL 3. The push is misaligned: #AC, whose delivery pushes on the same
; misaligned stack and raises #AC again, forever, until the #AC gate
; leads to ring 0 (a stack switch to the aligned ESP0).
ac_user_code:
	mov dword [ac_loop_armed], 1
global ac_trigger
ac_trigger:
	push eax
	ud2				; no #AC at all: the #UD stub says so

; CPL 3: the delivery of #AC did not loop.
ac_user_handler:
	mov dword [ac_user_handler_ran], 1
	ud2

; uint32_t db_loop_run(struct loop_result *out)
db_loop_run:
	LOOP_SAVE
	mov dword [db_tss + 36], db_ist_top		; IST1
	mov dword [db_tss + 40], 0
	mov word [db_tss + 102], 104
	mov byte [db_gdt + DB_TSS + 5], 0x89
	mov eax, db_tss
	mov [db_gdt + DB_TSS + 2], ax
	shr eax, 16
	mov [db_gdt + DB_TSS + 4], al
	mov [db_gdt + DB_TSS + 7], ah
	xor ecx, ecx
.gate:
	mov eax, [loop_stubs64 + ecx * 4]
	mov edx, ecx
	shl edx, 4
	mov [db_idt + edx], ax
	mov word [db_idt + edx + 2], DB_CODE64
	mov byte [db_idt + edx + 4], 0
	cmp ecx, DB_VECTOR
	jne .no_ist
	mov byte [db_idt + edx + 4], 1		; IST1
.no_ist:
	mov byte [db_idt + edx + 5], 0x8e	; present, DPL 0, 64-bit
	shr eax, 16
	mov [db_idt + edx + 6], ax
	mov dword [db_idt + edx + 8], 0
	mov dword [db_idt + edx + 12], 0
	inc ecx
	cmp ecx, VECTORS
	jb .gate
	; the first GiB identity-mapped with 2 MiB pages
	mov dword [db_pml4], db_pdpt + 3
	mov dword [db_pdpt], db_pd + 3
	xor ecx, ecx
.pde:
	mov eax, ecx
	shl eax, 21
	or eax, 0x83
	mov [db_pd + ecx * 8], eax
	mov dword [db_pd + ecx * 8 + 4], 0
	inc ecx
	cmp ecx, 512
	jb .pde
	lgdt [db_gdtr]
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, db_pml4
	mov cr3, eax
	mov ecx, EFER_MSR
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp DB_CODE64:db_long

bits 64
; 64-bit mode. The write hits breakpoint 0: #DB after it, delivered on
; the IST1 stack, whose first push (SS) is the watched quadword again:
; #DB at the handler's first instruction, forever, until the #DB gate
; no longer switches to IST1.
db_long:
	lidt [db_idtr]
	mov ax, DB_TSS
	ltr ax
	mov eax, db_ist_top - 8		; zero-extended: all below 4 GiB
	mov dr0, rax
	mov rax, DR7_DB_LOOP
	mov dr7, rax
	mov dword [db_loop_armed], 1
global db_trigger
db_trigger:
	mov [db_ist_top - 8], rax
	ud2				; the #DB came back here: the #UD stub says so

; [RSP] = vector, then the error code, RIP, CS, RFLAGS, RSP, SS.
db_catch:
	mov rdx, dr6
	mov rax, DR7_OFF
	mov dr7, rax
	mov eax, [loop_out]
	mov ecx, [rsp]
	mov [rax + RESULT_VECTOR], ecx
	mov ecx, [rsp + 8]
	mov [rax + RESULT_ERROR], ecx
	mov ecx, [rsp + 16]
	mov [rax + RESULT_IP], ecx
	mov ecx, [rsp + 40]
	mov [rax + RESULT_SP], ecx
	mov [rax + RESULT_DR6], edx
	movzx ecx, byte [db_idt + DB_VECTOR * 16 + 4]
	mov [rax + RESULT_IST], ecx
	push CODE32
	push db_compat
	o64 retf

bits 32
; Compatibility mode: paging and long mode off again, then home.
db_compat:
	mov eax, cr0
	and eax, ~CR0_PG
	mov cr0, eax
	mov ecx, EFER_MSR
	rdmsr
	and eax, ~EFER_LME
	wrmsr
	mov eax, cr4
	and eax, ~CR4_PAE
	mov cr4, eax
	jmp loop_resume

; 32-bit ring 0: [ESP] = vector, then the error code, EIP, CS, EFLAGS
; (and ESP, SS when it came from ring 3).
ac_catch:
	mov ax, DATA
	mov ds, ax
	mov es, ax
	mov edx, [loop_out]
	mov eax, [esp]
	mov [edx + RESULT_VECTOR], eax
	mov eax, [esp + 4]
	mov [edx + RESULT_ERROR], eax
	mov eax, [esp + 8]
	mov [edx + RESULT_IP], eax
	mov eax, [esp + 20]
	mov [edx + RESULT_SP], eax
	mov eax, cr0
	and eax, ~CR0_AM
	mov cr0, eax
	; fall through

; Back to the caller of *_loop_run with its tables, segments and stack.
loop_resume:
	mov ax, DATA
	mov ss, ax
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	lgdt [saved_gdtr]
	lidt [saved_idtr]
	mov esp, [saved_esp]
	mov eax, [loop_out]
	mov eax, [eax + RESULT_VECTOR]
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

; The stubs: vectors 8, 10-14, 17, 21, 29 and 30 come with an error code
; (SDM Vol. 3A, 6.13); the others push a 0 in its place.
%macro HAS_ERROR 1
%assign has_error (%1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30)
%endmacro

%assign vector 0
%rep VECTORS
HAS_ERROR vector
loop_stub32_ %+ vector:
%if !has_error
	push 0
%endif
	push vector
	jmp ac_catch
%assign vector vector + 1
%endrep

bits 64
%assign vector 0
%rep VECTORS
HAS_ERROR vector
loop_stub64_ %+ vector:
%if !has_error
	push 0
%endif
	push vector
	jmp db_catch
%assign vector vector + 1
%endrep

section .rodata
align 4
loop_stubs32:
%assign vector 0
%rep VECTORS
	dd loop_stub32_ %+ vector
%assign vector vector + 1
%endrep
loop_stubs64:
%assign vector 0
%rep VECTORS
	dd loop_stub64_ %+ vector
%assign vector vector + 1
%endrep

section .data
align 8
ac_gdt:
	dq 0
	dq 0x00cf9b000000ffff		; 0x08 flat code, ring 0
	dq 0x00cf93000000ffff		; 0x10 flat data, ring 0
	dq 0x00cffb000000ffff		; 0x18 flat code, ring 3
	dq 0x00cff3000000ffff		; 0x20 flat data, ring 3
	dq 0x0000890000000067		; 0x28 32-bit TSS, base set at run time
ac_gdt_end:
db_gdt:
	dq 0
	dq 0x00cf9b000000ffff		; 0x08 flat code, ring 0, 32-bit
	dq 0x00cf93000000ffff		; 0x10 flat data
	dq 0x00af9b000000ffff		; 0x18 64-bit code
	dq 0x0000890000000067		; 0x20 64-bit TSS (16 bytes)
	dq 0
db_gdt_end:
align 4
	dw 0
ac_gdtr:
	dw ac_gdt_end - ac_gdt - 1
	dd ac_gdt
	dw 0
ac_idtr:
	dw VECTORS * 8 - 1
	dd ac_idt
	dw 0
db_gdtr:
	dw db_gdt_end - db_gdt - 1
	dd db_gdt
	dw 0
db_idtr:
	dw VECTORS * 16 - 1
	dd db_idt, 0

section .bss
alignb 4096
db_pml4:	resb 4096
db_pdpt:	resb 4096
db_pd:		resb 4096
alignb 16
global ac_idt
global db_idt
ac_idt:		resb VECTORS * 8
db_idt:		resb VECTORS * 16
ac_tss:		resb 104
alignb 16
db_tss:		resb 104
alignb 16
		resb 1024
ac_user_stack_top:
		resb 1024
ac_kernel_stack_top:
		resb 1024
db_ist_top:
		resb 64
alignb 4
global ac_loop_armed
global db_loop_armed
global ac_user_handler_ran
ac_loop_armed:	resd 1
db_loop_armed:	resd 1
ac_user_handler_ran: resd 1
loop_out:	resd 1
saved_esp:	resd 1
saved_gdtr:	resb 8
saved_idtr:	resb 8
