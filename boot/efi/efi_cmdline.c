/*
 * The hypervisor's command line. Sources, first match wins:
 *   1. the image's LoadOptions when they are text (the UEFI shell, or a boot
 *      entry made with options); the shell puts the program name first;
 *   2. the file hv.cmdline in the application's directory;
 *   3. empty.
 * Line breaks and tabs become spaces; leading and trailing spaces go.
 */
#include "boot/efi/efi_app.h"

#include <efishellintf.h>

#define CMDLINE_FILE L"hv.cmdline"

static EFI_GUID shell_interface_guid = SHELL_INTERFACE_PROTOCOL_GUID;

/* True when a UEFI shell (new or EDK1-style) started this image. */
static bool started_by_shell(EFI_HANDLE image)
{
	EFI_GUID *shell = &ShellParametersProtocolGuid;
	EFI_GUID *old_shell = &shell_interface_guid;
	void *iface;

	return !EFI_ERROR(BS->HandleProtocol(image, shell, &iface)) ||
	       !EFI_ERROR(BS->HandleProtocol(image, old_shell, &iface));
}

/*
 * Converts LoadOptions to ASCII. Firmware-made boot entries pass binary
 * data (EDK II passes a GUID), so anything but printable ASCII and white
 * space up to the first NUL means "not a command line": EFI_UNSUPPORTED.
 */
static EFI_STATUS options_to_ascii(const CHAR16 *opt, UINTN units, char *out,
				   UINTN size)
{
	UINTN i, n = 0;

	for (i = 0; i < units && opt[i]; i++) {
		if ((opt[i] < 0x20 || opt[i] > 0x7e) && opt[i] != L'\t' &&
		    opt[i] != L'\r' && opt[i] != L'\n')
			return EFI_UNSUPPORTED;
		if (n + 1 >= size)
			return EFI_BUFFER_TOO_SMALL;
		out[n++] = (char)opt[i];
	}
	out[n] = 0;
	return EFI_SUCCESS;
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Length of the first word of s; a word may be double-quoted. */
static UINTN first_word_len(const char *s)
{
	UINTN i = 0;

	if (s[0] == '"') {
		for (i = 1; s[i] && s[i] != '"'; i++)
			;
		return s[i] ? i + 1 : i;
	}
	while (s[i] && s[i] != ' ')
		i++;
	return i;
}

static bool word_names_efi_file(const char *w, UINTN len)
{
	if (len && w[len - 1] == '"')
		len--;
	return len >= 4 && w[len - 4] == '.' && to_lower(w[len - 3]) == 'e' &&
	       to_lower(w[len - 2]) == 'f' && to_lower(w[len - 1]) == 'i';
}

static void remove_prefix(char *s, UINTN n)
{
	UINTN i = 0;

	do
		s[i] = s[i + n];
	while (s[i++]);
}

/*
 * Turns line breaks and tabs into spaces; removes a UTF-8 byte order mark
 * and leading and trailing spaces.
 */
static void tidy(char *s)
{
	UINTN i, len;

	if ((UINT8)s[0] == 0xef && (UINT8)s[1] == 0xbb && (UINT8)s[2] == 0xbf)
		remove_prefix(s, 3);
	for (i = 0; s[i]; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\t')
			s[i] = ' ';
	for (i = 0; s[i] == ' '; i++)
		;
	remove_prefix(s, i);
	for (len = i = 0; s[i]; i++)
		if (s[i] != ' ')
			len = i + 1;
	s[len] = 0;
}

/*
 * The load options as a command line. Returns EFI_NOT_FOUND when there are
 * none (or only the program name), EFI_UNSUPPORTED when they are not text.
 */
static EFI_STATUS cmdline_from_options(EFI_HANDLE image, char *cmdline,
				       UINTN size)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS status;
	UINTN len;

	status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(status) || !li->LoadOptions || li->LoadOptionsSize < 2)
		return EFI_NOT_FOUND;

	status = options_to_ascii(li->LoadOptions, li->LoadOptionsSize / 2,
				  cmdline, size);
	if (status == EFI_BUFFER_TOO_SMALL) {
		Print(EFI_APP_TAG L"load options longer than %d characters\n",
		      size - 1);
		return status;
	}
	if (EFI_ERROR(status))
		return status;

	tidy(cmdline);
	len = first_word_len(cmdline);
	if (started_by_shell(image) || word_names_efi_file(cmdline, len)) {
		remove_prefix(cmdline, len);
		tidy(cmdline);
	}
	return cmdline[0] ? EFI_SUCCESS : EFI_NOT_FOUND;
}

static EFI_STATUS cmdline_from_file(EFI_HANDLE image, char *cmdline, UINTN size)
{
	EFI_STATUS status;
	UINTN len = 0;

	status = efi_file_read_beside_image(image, CMDLINE_FILE, cmdline,
					    size - 1, &len);
	if (status == EFI_BUFFER_TOO_SMALL)
		Print(EFI_APP_TAG CMDLINE_FILE L" is longer than %d bytes\n",
		      size - 1);
	if (EFI_ERROR(status))
		return status;
	cmdline[len] = 0;
	tidy(cmdline);
	return EFI_SUCCESS;
}

EFI_STATUS efi_cmdline_read(EFI_HANDLE image, char *cmdline, UINTN size)
{
	EFI_STATUS status;

	cmdline[0] = 0;
	status = cmdline_from_options(image, cmdline, size);
	if (!EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"command line (load options): %a\n",
		      cmdline);
		return EFI_SUCCESS;
	}
	if (status == EFI_BUFFER_TOO_SMALL)
		return status;

	cmdline[0] = 0;
	status = cmdline_from_file(image, cmdline, size);
	if (!EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"command line (" CMDLINE_FILE L"): %a\n",
		      cmdline);
		return EFI_SUCCESS;
	}
	if (status != EFI_NOT_FOUND)
		return status;

	cmdline[0] = 0;
	Print(EFI_APP_TAG L"command line: empty\n");
	return EFI_SUCCESS;
}

BOOLEAN efi_cmdline_has_word(const char *cmdline, const char *word)
{
	const char *p = cmdline;

	while (*p) {
		UINTN n = 0;

		while (*p == ' ')
			p++;
		while (word[n] && p[n] == word[n])
			n++;
		if (!word[n] && (p[n] == ' ' || p[n] == '\0'))
			return TRUE;
		while (*p && *p != ' ')
			p++;
	}
	return FALSE;
}
