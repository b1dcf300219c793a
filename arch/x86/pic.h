/* The legacy 8259 interrupt controllers, which the hypervisor never uses. */
#ifndef ARCH_X86_PIC_H
#define ARCH_X86_PIC_H

/*
 * Masks every line of both 8259s, so that no legacy interrupt can reach a
 * CPU even if the firmware left them programmed (the LAPIC's LINT0, where
 * they would arrive, is masked as well).
 */
void pic_mask_all(void);

#endif
