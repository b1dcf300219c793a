#include "arch/x86/acpi_timers.h"
#include "arch/x86/acpi_bytes.h"
#include "lib/string.h"

/* FADT field offsets (ACPI 6.5, table 5.9). */
#define FADT_PM_TMR_BLK 76
#define FADT_PM_TMR_LEN 91
#define FADT_FLAGS 112
#define FADT_X_PM_TMR_BLK 208
#define FADT_FLAGS_TMR_VAL_EXT (1u << 8)
#define FADT_FLAGS_HW_REDUCED_ACPI (1u << 20)

/* Generic Address Structure (ACPI 6.5, 5.2.3.2). */
#define GAS_SIZE 12
#define GAS_SPACE_ID 0
#define GAS_ADDRESS 4
#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO 1

/* HPET table (IA-PC HPET 1.0a, table 3): the register block's GAS at 40. */
#define HPET_TABLE_BASE_ADDRESS 40
#define HPET_TABLE_MIN_LENGTH 56

#define PM_TMR_PORT_MAX 0xfffc /* a dword port */

/* The PM timer's port, or 0 with t->pm_timer_why set. */
static uint64_t fadt_pm_timer_port(const uint8_t *fadt, uint32_t len,
				   struct acpi_timers *t)
{
	if (len >= FADT_X_PM_TMR_BLK + GAS_SIZE &&
	    acpi_read64(fadt + FADT_X_PM_TMR_BLK + GAS_ADDRESS)) {
		if (fadt[FADT_X_PM_TMR_BLK + GAS_SPACE_ID] != GAS_SPACE_IO) {
			t->pm_timer_why = "X_PM_TMR_BLK is not an I/O port";
			return 0;
		}
		return acpi_read64(fadt + FADT_X_PM_TMR_BLK + GAS_ADDRESS);
	}
	if (acpi_read32(fadt + FADT_PM_TMR_BLK) == 0 || fadt[FADT_PM_TMR_LEN] < 4) {
		t->pm_timer_why = "the FADT lists no PM timer";
		return 0;
	}
	return acpi_read32(fadt + FADT_PM_TMR_BLK);
}

void acpi_timers_from_fadt(const uint8_t *fadt, uint32_t len,
			   struct acpi_timers *t)
{
	uint32_t flags = len >= FADT_FLAGS + 4 ? acpi_read32(fadt + FADT_FLAGS) : 0;
	uint64_t port;

	t->has_fadt = true;
	t->pm_timer_port = 0;
	if (len < FADT_PM_TMR_LEN + 1) {
		t->pm_timer_why = "the FADT is too short to list a PM timer";
		return;
	}
	if (flags & FADT_FLAGS_HW_REDUCED_ACPI) {
		t->pm_timer_why = "hardware-reduced ACPI has no PM timer";
		return;
	}
	port = fadt_pm_timer_port(fadt, len, t);
	if (port == 0)
		return;
	if (port > PM_TMR_PORT_MAX) {
		t->pm_timer_why = "the PM timer's port is out of range";
		return;
	}
	t->pm_timer_port = (uint16_t)port;
	t->pm_timer_bits = flags & FADT_FLAGS_TMR_VAL_EXT ? 32 : 24;
	t->pm_timer_why = NULL;
}

void acpi_timers_from_hpet(const uint8_t *hpet, uint32_t len,
			   struct acpi_timers *t)
{
	const uint8_t *gas = hpet + HPET_TABLE_BASE_ADDRESS;

	t->has_hpet_table = true;
	t->hpet_phys = 0;
	if (len < HPET_TABLE_MIN_LENGTH)
		return;
	if (gas[GAS_SPACE_ID] != GAS_SPACE_MEMORY)
		return;
	t->hpet_phys = acpi_read64(gas + GAS_ADDRESS);
}
