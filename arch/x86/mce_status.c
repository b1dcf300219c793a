/*
 * The architectural fields of IA32_MCi_STATUS / MCi_STATUS: the flags in
 * bits 63:57, the model-specific code in 31:16 and the MCA error code in
 * 15:0, whose simple and compound forms say which unit saw the error.
 */
#include "arch/x86/mce_status.h"
#include "lib/format.h"

/* The unit an MCA error code names (SDM Vol. 3B, 16.9.1 and 16.9.2). */
static const char *mce_error_unit(uint16_t code)
{
	if (code == 0)
		return "no error";
	if (code == 1)
		return "unclassified";
	if (code == 2)
		return "microcode ROM parity";
	if (code == 3)
		return "external error";
	if (code == 4)
		return "FRC error";
	if (code == 5)
		return "internal parity";
	if ((code & 0xff00) == 0x0400)
		return "internal timer or unclassified internal";
	if ((code & 0xeffc) == 0x000c)
		return "generic cache hierarchy";
	if ((code & 0xeff0) == 0x0010)
		return "TLB";
	if ((code & 0xef80) == 0x0080)
		return "memory controller";
	if ((code & 0xef00) == 0x0100)
		return "cache hierarchy";
	if ((code & 0xe800) == 0x0800)
		return "bus or interconnect";
	return "model-specific";
}

void mce_describe_status(uint64_t status, char *buf, size_t len)
{
	uint16_t code = status & 0xffff;

	if (!(status & MCI_STATUS_VAL)) {
		fmt_snprintf(buf, len, "no error");
		return;
	}
	fmt_snprintf(buf, len,
		     "%s%s%s%s%s%serror code 0x%04x (%s), model code 0x%04x",
		     status & MCI_STATUS_UC ? "uncorrected, " : "corrected, ",
		     status & MCI_STATUS_PCC ? "processor context corrupt, " : "",
		     status & MCI_STATUS_OVER ? "overflow (errors lost), " : "",
		     status & MCI_STATUS_EN ? "signalled, " : "",
		     status & MCI_STATUS_ADDRV ? "address valid, " : "",
		     status & MCI_STATUS_MISCV ? "misc valid, " : "", code,
		     mce_error_unit(code),
		     (unsigned)((status >> 16) & 0xffff));
}
