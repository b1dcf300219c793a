/* Reading a small file that sits next to the application on its volume. */
#include "boot/efi/efi_app.h"

#define EFI_PATH_MAX 512 /* in UTF-16 units, with the NUL */

struct path_buf {
	CHAR16 s[EFI_PATH_MAX];
	UINTN len;
};

static bool path_append_char(struct path_buf *p, CHAR16 c)
{
	if (p->len + 1 >= EFI_PATH_MAX)
		return false;
	p->s[p->len++] = c;
	p->s[p->len] = 0;
	return true;
}

/* Appends one path component, with a '\' between it and what came before. */
static bool path_append(struct path_buf *p, const void *name, UINTN units)
{
	const UINT8 *bytes = name; /* device path nodes are not aligned */
	CHAR16 c;
	UINTN i;

	for (i = 0; i < units; i++) {
		__builtin_memcpy(&c, bytes + 2 * i, sizeof(c));
		if (!c)
			break;
		if (i == 0 && c != L'\\' &&
		    (p->len == 0 || p->s[p->len - 1] != L'\\') &&
		    !path_append_char(p, L'\\'))
			return false;
		if (!path_append_char(p, c == L'/' ? L'\\' : c))
			return false;
	}
	return true;
}

/*
 * Builds "<directory of the image's file path>\name". The image's FilePath
 * is relative to its device: a list of file path nodes whose concatenation
 * is the application's path on the volume.
 */
static EFI_STATUS path_beside(EFI_DEVICE_PATH *dp, const CHAR16 *name,
			      struct path_buf *p)
{
	FILEPATH_DEVICE_PATH *node;
	UINTN units;

	p->len = 0;
	p->s[0] = 0;
	for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		node = (FILEPATH_DEVICE_PATH *)dp;
		units = (DevicePathNodeLength(dp) - sizeof(*dp)) / 2;
		if (!path_append(p, node->PathName, units))
			return EFI_BUFFER_TOO_SMALL;
	}
	while (p->len && p->s[p->len - 1] != L'\\')
		p->len--;
	p->s[p->len] = 0;
	if (!path_append(p, name, StrLen(name)))
		return EFI_BUFFER_TOO_SMALL;
	return EFI_SUCCESS;
}

static EFI_STATUS read_whole(EFI_FILE_HANDLE file, const CHAR16 *path,
			     void *buf, UINTN size, UINTN *len)
{
	EFI_FILE_INFO *info = LibFileInfo(file);
	EFI_STATUS status;
	UINT64 file_size;

	if (!info) {
		Print(EFI_APP_TAG L"cannot get the size of %s\n", path);
		return EFI_DEVICE_ERROR;
	}
	file_size = info->FileSize;
	FreePool(info);
	if (file_size > size)
		return EFI_BUFFER_TOO_SMALL;

	*len = file_size;
	status = file->Read(file, len, buf);
	if (EFI_ERROR(status))
		Print(EFI_APP_TAG L"cannot read %s: %r\n", path, status);
	return status;
}

EFI_STATUS efi_file_read_beside_image(EFI_HANDLE image, const CHAR16 *name,
				      void *buf, UINTN size, UINTN *len)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root, file;
	EFI_LOADED_IMAGE *li;
	struct path_buf path;
	EFI_STATUS status;

	status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"no loaded image protocol: %r\n", status);
		return status;
	}
	/* Started from the network or from memory: there is no volume. */
	status = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol,
				    (void **)&fs);
	if (EFI_ERROR(status))
		return EFI_NOT_FOUND;

	status = path_beside(li->FilePath, name, &path);
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"the application's path is too long\n");
		return status;
	}
	status = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"cannot open the boot volume: %r\n", status);
		return status;
	}
	status = root->Open(root, &file, path.s, EFI_FILE_MODE_READ, 0);
	if (status == EFI_NOT_FOUND) {
		root->Close(root);
		return status;
	}
	if (EFI_ERROR(status)) {
		Print(EFI_APP_TAG L"cannot open %s: %r\n", path.s, status);
		root->Close(root);
		return status;
	}
	status = read_whole(file, path.s, buf, size, len);
	file->Close(file);
	root->Close(root);
	return status;
}
