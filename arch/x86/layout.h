/*
 * The hypervisor's virtual address layout (shared by C and NASM; keep it
 * plain #defines).
 *
 *   0xffff800000000000  direct map of physical memory (DIRECT_MAP_BASE + pa):
 *                       255 x 512 GiB, up to the slot of the image
 *   0xffffffff80200000  the image, linked here, loaded anywhere 2 MiB aligned
 */
#ifndef ARCH_X86_LAYOUT_H
#define ARCH_X86_LAYOUT_H

#define KERNEL_VMA 0xffffffff80000000
#define IMAGE_LINK_PHYS 0x200000 /* the image's p_paddr base */
#define IMAGE_VBASE (KERNEL_VMA + IMAGE_LINK_PHYS)
#define IMAGE_ALIGN 0x200000
#define DIRECT_MAP_BASE 0xffff800000000000
#define DIRECT_MAP_SIZE 0x7f8000000000

#define BOOT_STACK_SIZE 16384
#define EARLY_IDENTITY_GIB 4 /* the entry maps the first 4 GiB at 0 and DIRECT_MAP_BASE */

#endif
