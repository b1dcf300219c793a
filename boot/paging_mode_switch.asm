; paging_mode_switch(cr3, cr4): reloads CR3 and CR4 with paging off in
; between. CR4.LA57 (four or five paging levels) can change only while
; long-mode paging is off, and paging can be turned off only from 32-bit
; code: the switch goes 64-bit -> compatibility mode -> paging off -> new
; CR4 and CR3 -> paging on -> 64-bit. The hypervisor's 64-bit entry uses it
; to leave the five-level paging a firmware left on (boot/start.asm); the
; UEFI application's selftest=la57-entry uses it the other way round
; (boot/efi/efi_la57.c).
;
; The code is position-independent and self-contained from
; paging_mode_switch to paging_mode_switch_end (its GDT included), so it
; runs in place or copied elsewhere, and links into both the hypervisor
; image and the UEFI application.
;
; Called with the System V ABI from 64-bit mode, CPL 0, interrupts off:
;   RDI  the new CR3, below 4 GiB (32-bit code loads it);
;   RSI  the new CR4; PAE must be set; PCIDE is dropped from it.
; The code itself and the stack must lie below 4 GiB and be identity
; mapped by both the old and the new page tables.
;
; Guarantees on return: paging is on with the new CR3 and CR4, the TLBs
; hold nothing from before, CR4.PCIDE is clear, and the CPU runs on this
; code's own GDT (0x08 64-bit code, 0x10 flat data in DS, ES and SS);
; FS and GS are as they were. The callee-saved registers are intact (the
; architecture does not keep the upper halves of registers across 32-bit
; code, so they are kept on the stack); RDI, RSI, RAX, RCX, RDX are not.

CR0_PG_BIT	equ 31
CR4_PCIDE_BIT	equ 17
CR3_PCID_MASK	equ 0xfff

PMS_CODE64	equ 0x08
PMS_DATA	equ 0x10
PMS_CODE32	equ 0x18

section .text
align 16
global paging_mode_switch, paging_mode_switch_end

bits 64
paging_mode_switch:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15

	; Our own GDT: the caller's may have no 32-bit code segment, and a
	; null SS is legal in 64-bit mode but not in 32-bit code.
	lea rax, [rel pms_gdt]
	sub rsp, 16
	mov word [rsp + 6], pms_gdt_end - pms_gdt - 1
	mov [rsp + 8], rax
	lgdt [rsp + 6]
	add rsp, 16
	mov eax, PMS_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax

	; Paging cannot be turned off with CR4.PCIDE set, and PCIDE can be
	; cleared only while the current PCID is 0.
	mov rax, cr4
	btr rax, CR4_PCIDE_BIT
	jnc .no_pcid
	mov rcx, cr3
	and rcx, ~CR3_PCID_MASK
	mov cr3, rcx
	mov cr4, rax
.no_pcid:
	btr esi, CR4_PCIDE_BIT

	; Only the low halves of registers survive the trip through 32-bit
	; code: EDX carries where to come back to, EDI and ESI the new values.
	lea edx, [rel .long_mode_again]
	push PMS_CODE32
	lea rax, [rel .compat]
	push rax
	retfq

bits 32
.compat:
	mov eax, cr0
	btr eax, CR0_PG_BIT
	mov cr0, eax			; paging off: EFER.LMA = 0
	mov cr4, esi			; LA57 may change now
	mov cr3, edi
	bts eax, CR0_PG_BIT
	mov cr0, eax			; EFER.LME still set: long mode again
	push PMS_CODE64
	push edx
	retf

bits 64
.long_mode_again:
	mov esp, esp			; the stack is below 4 GiB: zero-extend
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

; The accessed bits are set so that the CPU never writes here: this code
; may sit in memory the firmware maps read-only.
align 8
pms_gdt:
	dq 0
	dq 0x00af9b000000ffff		; 0x08: 64-bit code, DPL 0
	dq 0x00cf93000000ffff		; 0x10: flat data, DPL 0
	dq 0x00cf9b000000ffff		; 0x18: 32-bit code, DPL 0
pms_gdt_end:
paging_mode_switch_end:
