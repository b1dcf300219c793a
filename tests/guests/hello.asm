; A guest written from docs/guest-abi.md alone, with none of the test
; guest's code: every vCPU says hello through HV_HC_CONSOLE_WRITE, checks
; its entry registers and that RAM reads zero, writes and reads back a page
; of its own, checks that it runs on a CPU without virtualization (CPUID
; shows neither VMX nor SVM, and the first virtualization instruction of
; the vendor that hypercall_insn names raises #UD, which it catches with a
; GDT and an IDT of its own), and ends with HV_HC_DONE. Built by
; tests/guests/guests.mk and booted as a Multiboot2 module (guest=hello.bin)
; by the boot tests.

bits 32
org 0x100000

MAGIC		equ 0x4d475648
PARAMS		equ 0x1000
P_VCPUS		equ 8
P_INSN		equ 12
P_SHARED	equ 32
INSN_VMCALL	equ 1
HC_CONSOLE	equ 1
HC_DONE		equ 2
STACKS		equ 0x200000		; below shared_base (16 MiB), above us
CPUID_1_ECX_VMX	equ 1 << 5
CPUID_80000001_ECX_SVM equ 1 << 2
FAIL_DATA	equ 1			; HV_HC_DONE codes of this guest
FAIL_CPUID	equ 2
FAIL_NO_UD	equ 3

entry:
	cmp eax, MAGIC
	jne fail_magic
	cmp esi, PARAMS
	jne fail_magic
	cmp ecx, [PARAMS + P_VCPUS]
	jne fail_magic
	mov edi, ebx			; our vCPU id, kept in EDI
	; ESP is 0 at entry: a 4 KiB stack per vCPU in free low RAM.
	mov esp, ebx
	shl esp, 12
	add esp, STACKS + 4096

	; The shared region: each vCPU owns the page shared_base + id * 4096.
	mov ebp, [PARAMS + P_SHARED]
	mov eax, edi
	shl eax, 12
	add ebp, eax
	cmp dword [ebp], 0		; untouched RAM reads zero
	jne fail_data
	mov ecx, 1024
	mov eax, edi
	add eax, 0x5a5a0000
.fill:	mov [ebp + ecx * 4 - 4], eax
	loop .fill
	mov ecx, 1024
.check:	cmp [ebp + ecx * 4 - 4], eax
	jne fail_data
	loop .check

	mov eax, HC_CONSOLE
	mov ebx, hello
	mov ecx, hello_end - hello
	call hypercall

	; No virtualization for the guest: CPUID shows neither VMX nor SVM.
	mov eax, 1
	cpuid
	test ecx, CPUID_1_ECX_VMX
	jnz fail_cpuid
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .virt_insn
	mov eax, 0x80000001
	cpuid
	test ecx, CPUID_80000001_ECX_SVM
	jnz fail_cpuid

	; The vendor's first virtualization instruction raises #UD at itself,
	; which ud_handler catches: ESI = the instruction, EDX = where the
	; #UD was raised, EBX = what to say.
.virt_insn:
	lgdt [gdtr]
	lidt [idtr]
	xor edx, edx
	mov esi, vmrun_insn
	mov ebx, said_vmrun
	cmp dword [PARAMS + P_INSN], INSN_VMCALL
	jne .run
	mov esi, vmxon_insn
	mov ebx, said_vmxon
.run:	xor eax, eax			; VMRUN's VMCB: page 0, free RAM
	jmp esi
vmrun_insn:
	vmrun				; 0f 01 d8
	jmp virt_insn_done
vmxon_insn:
	vmxon [vmxon_region]		; f3 0f c7 /6
virt_insn_done:
	cmp edx, esi
	jne fail_no_ud
	mov eax, HC_CONSOLE
	mov ecx, said_len
	call hypercall

	mov eax, HC_DONE
	xor ebx, ebx			; pass
	xor ecx, ecx			; no data errors
	call hypercall
	ud2				; HV_HC_DONE does not return

fail_data:
	mov ebx, FAIL_DATA
	mov ecx, 1
	jmp fail
fail_cpuid:
	mov ebx, FAIL_CPUID
	xor ecx, ecx
	jmp fail
fail_no_ud:
	mov ebx, FAIL_NO_UD
	xor ecx, ecx
fail:	mov eax, HC_DONE
	call hypercall
fail_magic:
	ud2				; no IDT: a triple fault stops the VM

; #UD: EDX = where it was raised; go on at virt_insn_done. No error code.
ud_handler:
	mov edx, [esp]			; EIP
	mov dword [esp], virt_insn_done
	iret

; The instruction the hypervisor asked for: VMCALL on Intel, VMMCALL on AMD.
hypercall:
	cmp dword [PARAMS + P_INSN], INSN_VMCALL
	je .vmcall
	vmmcall
	ret
.vmcall:
	vmcall
	ret

hello:	db "hello from a guest written from the ABI document"
hello_end:
said_vmrun:
	db "VMRUN raised #UD, CPUID shows neither VMX nor SVM"
said_len equ $ - said_vmrun
said_vmxon:
	db "VMXON raised #UD, CPUID shows neither VMX nor SVM"

align 8
vmxon_region:	dq 0			; the VMXON region: page 0, free RAM

; The entry state's segments (selectors 0x08, 0x10) as a GDT, so that
; exceptions can be delivered, and an IDT whose only gate is #UD's.
ADDR_OF_UD equ ud_handler - $$ + 0x100000
gdt:	dq 0
	dq 0x00cf9b000000ffff		; 0x08: flat 32-bit code, accessed
	dq 0x00cf93000000ffff		; 0x10: flat data, accessed
gdtr:	dw gdtr - gdt - 1
	dd gdt
align 8
idt:	times 6 dq 0			; vectors 0-5: not present
	dw ADDR_OF_UD & 0xffff		; vector 6, #UD: a 32-bit interrupt
	dw 0x08				; gate to ud_handler
	dw 0x8e00
	dw ADDR_OF_UD >> 16
idtr:	dw idtr - idt - 1
	dd idt
