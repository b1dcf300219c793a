#include "hv/guest_image.h"
#include "arch/x86/paging.h"
#include "guest/abi.h"
#include "lib/format.h"
#include "lib/string.h"

/* guest/guest.mk links the test guest in; weak so a build without it says so. */
extern const char guest_image_start[] __attribute__((weak));
extern const char guest_image_end[] __attribute__((weak));

/* Whether a module's command line names it: its first word, or that word's last path component. */
static bool module_matches(const struct boot_module *m, const char *name)
{
	const char *word = m->cmdline, *base = word;
	size_t len = 0;

	while (word[len] && word[len] != ' ') {
		if (word[len] == '/')
			base = word + len + 1;
		len++;
	}
	return (strlen(name) == len && strncmp(word, name, len) == 0) ||
	       (strlen(name) == (size_t)(word + len - base) &&
		strncmp(base, name, word + len - base) == 0);
}

bool guest_image_find(const struct boot_info *bi, const char *name,
		      struct guest_image *out, char *err, size_t errsz)
{
	if (name[0] == '\0') {
		if (!guest_image_start ||
		    (uintptr_t)guest_image_end <= (uintptr_t)guest_image_start) {
			fmt_snprintf(err, errsz, "this build has no built-in test guest");
			return false;
		}
		out->data = guest_image_start;
		out->size = guest_image_end - guest_image_start;
		out->origin = "built-in test guest";
		return true;
	}
	for (unsigned i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		if (!module_matches(m, name))
			continue;
		if (m->end <= m->start || m->end - m->start > HV_GUEST_IMAGE_MAX) {
			fmt_snprintf(err, errsz, "guest=%s: the module is %llu bytes (1 byte to 4 MiB allowed)",
				     name, (unsigned long long)(m->end - m->start));
			return false;
		}
		out->data = phys_to_virt(m->start);
		out->size = m->end - m->start;
		out->origin = m->cmdline;
		return true;
	}
	fmt_snprintf(err, errsz, "guest=%s: no boot module or file of that name (%u module(s) loaded)",
		     name, bi->module_count);
	return false;
}
