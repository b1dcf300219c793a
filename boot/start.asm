; Entries into the hypervisor image.
;
;   mb2_entry32  Multiboot2: GRUB jumps here in 32-bit protected mode, paging
;                off, EAX = Multiboot2 magic, EBX = physical address of the
;                boot information. The image may sit anywhere (relocatable
;                header tag), so this code is position-independent.
;   hv_entry64   64-bit entry for other loaders (boot/image_header.h): long
;                mode, identity paging, RDI = magic, RSI = information.
;
; Both build the early page tables (identity map of the first 4 GiB, the
; same at DIRECT_MAP_BASE, and the image at its link address in the higher
; half), switch to them, jump to the higher half and call
; boot_entry(magic, info_phys, image_phys_base, la57) in C.
;
; The early tables have four levels, and so have the hypervisor's own. A
; loader that ran with five-level paging may leave CR4.LA57 set: the 32-bit
; entry (paging off) clears it, the 64-bit entry leaves five-level paging
; through paging_mode_switch. Either says so in boot_entry's la57 argument
; (enum boot_la57, boot/boot_info.h).

%include "arch/x86/layout.inc"

MB2_HEADER_MAGIC	equ 0xe85250d6
MB2_ARCH_I386		equ 0
MB2_TAG_END		equ 0
MB2_TAG_RELOCATABLE	equ 10
MB2_TAG_FRAMEBUFFER	equ 5
MB2_TAG_OPTIONAL	equ 1
MB2_RELOC_PREFER_LOWEST	equ 1
HV_IMAGE_MAGIC		equ 0x314547414d495648	; "HVIMAGE1"

MSR_EFER		equ 0xc0000080
EFER_LME		equ 1 << 8
CR0_PE			equ 1 << 0
CR0_PG			equ 1 << 31
CR4_PAE			equ 1 << 5
CR4_LA57		equ 1 << 12
CR4_LA57_BIT		equ 12
PTE_P			equ 1 << 0
PTE_W			equ 1 << 1
PTE_PS			equ 1 << 7
COM1			equ 0x3f8
EARLY_THRE_READS	equ 100000

GDT_CODE64		equ 0x08
GDT_DATA		equ 0x10

; enum boot_la57 (boot/boot_info.h)
BOOT_LA57_SWITCHED	equ 1
BOOT_LA57_CLEARED	equ 2

extern boot_entry
extern paging_mode_switch
extern __image_size

section .boot.text progbits alloc exec nowrite align=4096

; --- Multiboot2 header (must be in the first 32 KiB, 8-byte aligned) -------
align 8
image_base:
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
align 8
	dw MB2_TAG_RELOCATABLE, 0
	dd 24
	dd IMAGE_LINK_PHYS		; lowest load address
	dd 0xc0000000			; highest: stay inside the early identity map
	dd IMAGE_ALIGN
	dd MB2_RELOC_PREFER_LOWEST
align 8
	; A linear framebuffer is welcome (optional, any mode): without this
	; tag GRUB on BIOS always hands over the VGA text screen, whatever
	; gfxpayload says (tools/mkiso keeps text there unless asked).
	dw MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	dd 20
	dd 0, 0, 0			; width, height, depth: no preference
align 8
	dw MB2_TAG_END, 0
	dd 8
mb2_header_end:

; --- header for loaders that are not Multiboot2 (boot/image_header.h) -----
align 8
hv_image_header:
	dq HV_IMAGE_MAGIC
	dq hv_entry64 - image_base
	dq __image_size
	dq IMAGE_ALIGN

; --- early GDT: flat 64-bit code and data ---------------------------------
align 16
early_gdt:
	dq 0
	dq 0x00af9a000000ffff		; 0x08: 64-bit code, DPL 0
	dq 0x00cf92000000ffff		; 0x10: data, DPL 0
	dq 0x00cf9a000000ffff		; 0x18: 32-bit code (the 32-bit path)
early_gdt_end:

bits 32
; Prints the NUL-terminated string at ESI on COM1 (115200 8N1) and halts.
; Used only when this CPU cannot run the hypervisor at all. There is no
; clock yet, so the wait for THRE is bounded by a count of status reads
; (about a microsecond each on a PC): a UART that never drains costs about
; 0.1 s a byte, never a hang; where nothing answers, LSR reads 0xff.
early_fail32:
	mov dx, COM1 + 1
	xor al, al
	out dx, al			; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al			; DLAB
	mov dx, COM1
	mov al, 1
	out dx, al			; divisor 1: 115200
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 3
	out dx, al			; 8N1
.next:
	mov dx, COM1 + 5
	mov ecx, EARLY_THRE_READS
.wait:
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait
.send:
	lodsb
	test al, al
	jz .halt
	mov dx, COM1
	out dx, al
	jmp .next
.halt:
	cli
	hlt
	jmp .halt

global mb2_entry32
mb2_entry32:
	cli
	cld
	mov edi, eax			; Multiboot2 magic
	mov esi, ebx			; boot information (physical)
	; The Multiboot2 state gives us no stack and no EIP. The information
	; structure's reserved word (offset 4) serves as a 4-byte stack for
	; one call, which tells where we run.
	lea esp, [ebx + 8]
	call .here
.here:
	pop ebp
	sub ebp, .here - image_base	; EBP = physical address of the image

	; A real stack in .bss, at its physical address.
	mov esp, boot_stack_top - KERNEL_VMA - IMAGE_LINK_PHYS
	add esp, ebp

	; Long mode needs CPUID leaf 0x80000001 with LM, and PAE.
	mov eax, 0x80000000
	push ebx
	push esi
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	mov eax, 1
	cpuid
	test edx, 1 << 6
	jz .no_long_mode
	pop esi
	pop ebx

	; Identity map of the first 4 GiB (the 64-bit entry adds the rest).
	mov eax, early_pd_low - KERNEL_VMA - IMAGE_LINK_PHYS
	add eax, ebp
	xor ecx, ecx
.fill_pd:
	mov edx, ecx
	shl edx, 21
	or edx, PTE_P | PTE_W | PTE_PS
	mov [eax + ecx * 8], edx
	mov edx, ecx
	shr edx, 11
	mov [eax + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 512 * EARLY_IDENTITY_GIB
	jb .fill_pd

	mov ebx, early_pdpt_low - KERNEL_VMA - IMAGE_LINK_PHYS
	add ebx, ebp
	xor ecx, ecx
.fill_pdpt:
	lea edx, [eax + PTE_P + PTE_W]
	mov [ebx + ecx * 8], edx
	add eax, 4096
	inc ecx
	cmp ecx, EARLY_IDENTITY_GIB
	jb .fill_pdpt

	mov eax, early_pml4 - KERNEL_VMA - IMAGE_LINK_PHYS
	add eax, ebp
	lea edx, [ebx + PTE_P + PTE_W]
	mov [eax], edx
	mov cr3, eax

	; Paging is off, so CR4.LA57 may change here: a loader that ran with
	; five-level paging may have left it set. EBX keeps the fact.
	mov eax, cr4
	xor ebx, ebx
	btr eax, CR4_LA57_BIT
	jnc .four_levels
	mov ebx, BOOT_LA57_CLEARED
.four_levels:
	or eax, CR4_PAE
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE
	mov cr0, eax

	; Load the early GDT and enter 64-bit mode.
	lea eax, [ebp + early_gdt - image_base]
	mov [ebp + early_gdt_ptr32 + 2 - image_base], eax
	lgdt [ebp + early_gdt_ptr32 - image_base]
	mov ecx, ebx			; enum boot_la57
	lea eax, [ebp + hv_entry64.from_32bit - image_base]
	push GDT_CODE64
	push eax
	retf

.no_long_mode:
	lea esi, [ebp + msg_no_long_mode - image_base]
	jmp early_fail32

align 8
early_gdt_ptr32:
	dw early_gdt_end - early_gdt - 1
	dd 0

msg_no_long_mode:
	db "hv: this CPU has no 64-bit long mode (or no PAE): cannot run", 13, 10
	db "hv: done: FAIL: no long mode", 13, 10, 0

bits 64
global hv_entry64
; RDI = magic, RSI = boot information (physical). Runs at its physical
; address, identity mapped, interrupts off.
hv_entry64:
	cli
	xor ecx, ecx			; BOOT_LA57_OFF, unless found below
.from_32bit:				; mb2_entry32 comes in here, ECX = its enum boot_la57
	cld
	mov r12d, ecx
	lea rbp, [rel image_base]	; RBP = physical address of the image
	lea rsp, [rel boot_stack_top]

	; Identity map of the first 4 GiB with 2 MiB pages.
	lea rbx, [rel early_pd_low]
	xor ecx, ecx
.fill_pd:
	mov rax, rcx
	shl rax, 21
	or rax, PTE_P | PTE_W | PTE_PS
	mov [rbx + rcx * 8], rax
	inc ecx
	cmp ecx, 512 * EARLY_IDENTITY_GIB
	jb .fill_pd

	lea rdx, [rel early_pdpt_low]
	xor ecx, ecx
.fill_pdpt:
	lea rax, [rbx + PTE_P + PTE_W]
	mov [rdx + rcx * 8], rax
	add rbx, 4096
	inc ecx
	cmp ecx, EARLY_IDENTITY_GIB
	jb .fill_pdpt

	; The image at its link address: 1 GiB from IMAGE_VBASE onwards.
	lea rbx, [rel early_pd_high]
	mov ecx, IMAGE_LINK_PHYS >> 21
.fill_pd_high:
	mov rax, rcx
	sub rax, IMAGE_LINK_PHYS >> 21
	shl rax, 21
	add rax, rbp
	or rax, PTE_P | PTE_W | PTE_PS
	mov [rbx + rcx * 8], rax
	inc ecx
	cmp ecx, 512
	jb .fill_pd_high

	lea rdx, [rel early_pdpt_high]
	lea rax, [rbx + PTE_P + PTE_W]
	mov [rdx + ((KERNEL_VMA >> 30) & 511) * 8], rax

	; The same 4 GiB at DIRECT_MAP_BASE too, so that phys_to_virt() gives
	; one address before and after the final tables replace these.
	lea rbx, [rel early_pml4]
	lea rax, [rel early_pdpt_low]
	or rax, PTE_P | PTE_W
	mov [rbx], rax
	mov [rbx + ((DIRECT_MAP_BASE >> 39) & 511) * 8], rax
	lea rax, [rdx + PTE_P + PTE_W]
	mov [rbx + ((KERNEL_VMA >> 39) & 511) * 8], rax

	; Five-level paging left on by the firmware would read these tables
	; with one level too many. The image, its stack and the new tables
	; are below 4 GiB and identity mapped by both, as the switch needs.
	mov rax, cr4
	test eax, CR4_LA57
	jz .four_levels
	mov r14, rdi
	mov r15, rsi
	mov rdi, rbx			; new CR3: early_pml4
	btr rax, CR4_LA57_BIT
	mov rsi, rax			; new CR4: LA57 clear
	call paging_mode_switch
	mov rdi, r14
	mov rsi, r15
	mov r12d, BOOT_LA57_SWITCHED
.four_levels:

	; Our GDT, then our page tables.
	lea rax, [rel early_gdt]
	mov [rel early_gdt_ptr64 + 2], rax
	lgdt [rel early_gdt_ptr64]
	lea rax, [rel .reload_cs]
	push GDT_CODE64
	push rax
	retfq
.reload_cs:
	mov eax, GDT_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	xor eax, eax
	mov fs, eax
	mov gs, eax
	mov cr3, rbx

	mov rax, .higher_half
	jmp rax
.higher_half:
	mov rsp, boot_stack_top
	mov rdx, rbp			; physical base of the image
	mov ecx, r12d			; enum boot_la57
	xor ebp, ebp			; ends frame-pointer backtraces
	call boot_entry
.halt:
	cli
	hlt
	jmp .halt

align 8
early_gdt_ptr64:
	dw early_gdt_end - early_gdt - 1
	dq 0

section .bss.page_aligned nobits alloc write align=4096
early_pml4:	resb 4096
early_pdpt_low:	resb 4096
early_pd_low:	resb 4096 * EARLY_IDENTITY_GIB
early_pdpt_high: resb 4096
early_pd_high:	resb 4096

global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	resb BOOT_STACK_SIZE
boot_stack_top:
