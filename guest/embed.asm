; The test guest's flat image, embedded in the 64-bit hypervisor's .rodata
; as [guest_image_start, guest_image_end). Assembled with -f elf64 and
; -DGUEST_BIN='"<path of guest.bin>"' by guest/guest.mk; not part of the
; guest itself.

bits 64

section .rodata align=16

global guest_image_start
global guest_image_end

guest_image_start:
	incbin GUEST_BIN
guest_image_end:

section .note.GNU-stack noalloc noexec nowrite progbits
