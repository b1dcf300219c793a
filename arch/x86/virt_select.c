#include "arch/x86/virt.h"
#include "arch/x86/virt_probe.h"

/* Weak: a build without one of the backends links and says so at run time. */
extern const struct virt_backend svm_backend __attribute__((weak));
extern const struct virt_backend vmx_backend __attribute__((weak));

const struct virt_backend *virt_backend_for(unsigned kind)
{
	if (kind == VIRT_SVM)
		return &svm_backend;
	if (kind == VIRT_VMX)
		return &vmx_backend;
	return NULL;
}
