/*
 * guest=NAME on the command line: the guest image is the file NAME next to
 * the application. It is read into memory below 4 GiB and handed over as a
 * module whose command line is NAME (docs/guest-abi.md, "The image").
 */
#include "boot/efi/efi_app.h"
#include "guest/abi.h"

#define GUEST_NAME_MAX 64

/* Copies the value of the first guest= word of cmdline; false if none. */
static BOOLEAN guest_name_from_cmdline(const char *cmdline, char *name,
				       UINTN size)
{
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (p[0] == 'g' && p[1] == 'u' && p[2] == 'e' && p[3] == 's' &&
		    p[4] == 't' && p[5] == '=') {
			UINTN n = 0;

			p += 6;
			while (p[n] && p[n] != ' ' && n + 1 < size) {
				name[n] = p[n];
				n++;
			}
			name[n] = '\0';
			return n > 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return FALSE;
}

EFI_STATUS efi_guest_load(EFI_HANDLE image, struct boot_info *bi)
{
	char name[GUEST_NAME_MAX];
	CHAR16 wname[GUEST_NAME_MAX];
	struct boot_module *m;
	EFI_STATUS status;
	UINT64 buf;
	UINTN len = 0, i;

	if (!guest_name_from_cmdline(bi->cmdline, name, sizeof(name)))
		return EFI_SUCCESS;
	for (i = 0; name[i]; i++)
		wname[i] = (CHAR16)(unsigned char)name[i];
	wname[i] = 0;

	status = efi_alloc_below_4g(HV_GUEST_IMAGE_MAX, EFI_PAGE_SIZE,
				    EfiLoaderData, &buf);
	if (EFI_ERROR(status))
		return status;
	status = efi_file_read_beside_image(image, wname, (void *)(UINTN)buf,
					    HV_GUEST_IMAGE_MAX, &len);
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"guest=%s: cannot read it next to the application: %r%s\n",
		      wname, status,
		      status == EFI_BUFFER_TOO_SMALL ? L" (larger than 4 MiB)" : L"");
		efi_free(buf, HV_GUEST_IMAGE_MAX);
		return status;
	}
	m = &bi->modules[bi->module_count++];
	m->start = buf;
	m->end = buf + len;
	for (i = 0; name[i] && i + 1 < sizeof(m->cmdline); i++)
		m->cmdline[i] = name[i];
	m->cmdline[i] = '\0';
	Print(EFI_APP_TAG L"guest %s: %lu bytes\n", wname, (UINT64)len);
	return EFI_SUCCESS;
}
