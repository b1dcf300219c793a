/* Where the guest image comes from (docs/guest-abi.md, "The image"). */
#ifndef HV_GUEST_IMAGE_H
#define HV_GUEST_IMAGE_H

#include "boot/boot_info.h"

struct guest_image {
	const void *data;
	size_t size;
	const char *origin; /* for the log: "built-in test guest", a module */
};

/*
 * The image named by guest= (a Multiboot2 module or a file the UEFI
 * application loaded, matched by file name or by its command line), or the
 * built-in test guest when name is empty. False with a reason in err.
 */
bool guest_image_find(const struct boot_info *bi, const char *name,
		      struct guest_image *out, char *err, size_t errsz);

#endif
