; A guest written from docs/guest-abi.md alone, with none of the test
; guest's code: every vCPU says hello through HV_HC_CONSOLE_WRITE, checks
; its entry registers and that RAM reads zero, writes and reads back a page
; of its own, and ends with HV_HC_DONE. Built by tests/guests/guests.mk and
; booted as a Multiboot2 module (guest=hello.bin) by the boot tests.

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
	mov eax, HC_DONE
	xor ebx, ebx			; pass
	xor ecx, ecx			; no data errors
	call hypercall
	ud2				; HV_HC_DONE does not return

fail_data:
	mov eax, HC_DONE
	mov ebx, 1
	mov ecx, 1
	call hypercall
fail_magic:
	ud2				; no IDT: a triple fault stops the VM

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
