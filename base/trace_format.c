/*
 * One event as a line of text. Whatever a slot holds is decoded without
 * trusting it: an unknown kind, exit kind, access or result is shown as a
 * number.
 */
#include "base/trace_internal.h"
#include "lib/format.h"

static const char *const trace_kind_names[TRACE_KINDS] = {
    [TRACE_EXIT] = "exit",	   [TRACE_FAULT] = "fault",
    [TRACE_INSTALL] = "install",   [TRACE_DISCONNECT] = "disconnect",
    [TRACE_FREE] = "free",	   [TRACE_FLUSH] = "flush",
    [TRACE_ZAP] = "zap",	   [TRACE_SPLIT] = "split",
    [TRACE_COLLAPSE] = "collapse", [TRACE_WRPROTECT] = "wrprotect",
    [TRACE_AGE] = "age",	   [TRACE_GRACE] = "grace",
};

static const struct trace_exit_name *trace_exit_names;
static unsigned trace_exit_name_count;

void trace_set_exit_names(const struct trace_exit_name *names, unsigned count)
{
	__atomic_store_n(&trace_exit_name_count, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&trace_exit_names, names, __ATOMIC_RELEASE);
	__atomic_store_n(&trace_exit_name_count, count, __ATOMIC_RELEASE);
}

const char *trace_kind_name(unsigned kind)
{
	return kind < TRACE_KINDS ? trace_kind_names[kind] : "?";
}

/* A name from names[] indexed by v, or v as a number in num. */
static const char *trace_name_or_number(const char *const *names,
					unsigned count, uint64_t v, char *num,
					size_t size)
{
	if (v < count && names[v])
		return names[v];
	fmt_snprintf(num, size, "#%llu", (unsigned long long)v);
	return num;
}

static void trace_format_exit(char *buf, size_t size, uint64_t a, uint64_t b,
			      uint64_t c)
{
	unsigned count =
	    __atomic_load_n(&trace_exit_name_count, __ATOMIC_ACQUIRE);
	const struct trace_exit_name *names =
	    __atomic_load_n(&trace_exit_names, __ATOMIC_ACQUIRE);
	unsigned kind = a & 0xffff;
	const struct trace_exit_name *n =
	    kind < count && names[kind].name ? &names[kind] : NULL;
	char num[24];

	if (!n)
		fmt_snprintf(num, sizeof(num), "exit#%u", kind);
	fmt_snprintf(buf, size, "exit %s code=%#llx info=%#llx %s=%#llx",
		     n ? n->name : num, (unsigned long long)(a >> 16),
		     (unsigned long long)b, n && n->gpa ? "gpa" : "rip",
		     (unsigned long long)c);
}

static void trace_format_fault(char *buf, size_t size, uint64_t a, uint64_t b,
			       uint64_t c)
{
	static const char *const results[] = {
	    [TRACE_FAULT_OK] = "ok",
	    [TRACE_FAULT_RETRY] = "retry",
	    [TRACE_FAULT_MMIO] = "mmio",
	    [TRACE_FAULT_ERROR] = "error",
	};
	char access[8], num[24];
	unsigned n = 0;

	if (b & TRACE_ACC_READ)
		access[n++] = 'r';
	if (b & TRACE_ACC_WRITE)
		access[n++] = 'w';
	if (b & TRACE_ACC_EXEC)
		access[n++] = 'x';
	if (!n)
		access[n++] = '-';
	access[n] = '\0';
	fmt_snprintf(buf, size, "fault gpa=%#llx access=%s result=%s",
		     (unsigned long long)a, access,
		     trace_name_or_number(results, ARRAY_SIZE(results), c, num,
					  sizeof(num)));
}

static void trace_format_install(char *buf, size_t size, uint64_t a, uint64_t b,
				 uint64_t c)
{
	uint64_t table = b & ~(PAGE_SIZE - 1);

	if (table)
		fmt_snprintf(
		    buf, size,
		    "install gfn=%#llx level=%llu table=%#llx pte=%#llx",
		    (unsigned long long)a,
		    (unsigned long long)(b & (PAGE_SIZE - 1)),
		    (unsigned long long)table, (unsigned long long)c);
	else
		fmt_snprintf(buf, size,
			     "install gfn=%#llx level=%llu pte=%#llx",
			     (unsigned long long)a, (unsigned long long)b,
			     (unsigned long long)c);
}

/* zap, split, collapse, wrprotect, age: [a, b) and a count. */
static void trace_format_range(char *buf, size_t size, const char *name,
			       uint64_t a, uint64_t b, uint64_t c)
{
	fmt_snprintf(buf, size, "%s gfn=%#llx-%#llx count=%llu", name,
		     (unsigned long long)a,
		     (unsigned long long)(b > a ? b - 1 : a),
		     (unsigned long long)c);
}

void trace_format_text(char *buf, size_t size, const struct trace_event *ev)
{
	static const char *const flush_steps[] = {
	    [TRACE_FLUSH_BEGIN] = "begin",
	    [TRACE_FLUSH_DONE] = "done",
	    [TRACE_FLUSH_JOINED] = "joined",
	};
	unsigned kind = trace_event_kind(ev);
	uint64_t a = ev->arg[0], b = ev->arg[1], c = ev->arg[2];
	char num[24];

	switch (kind) {
	case TRACE_EXIT:
		trace_format_exit(buf, size, a, b, c);
		break;
	case TRACE_FAULT:
		trace_format_fault(buf, size, a, b, c);
		break;
	case TRACE_INSTALL:
		trace_format_install(buf, size, a, b, c);
		break;
	case TRACE_DISCONNECT:
		fmt_snprintf(buf, size,
			     "disconnect table=%#llx level=%llu gfn=%#llx",
			     (unsigned long long)a, (unsigned long long)b,
			     (unsigned long long)c);
		break;
	case TRACE_FREE:
		fmt_snprintf(buf, size, "free table=%#llx",
			     (unsigned long long)a);
		break;
	case TRACE_FLUSH:
		fmt_snprintf(buf, size, "flush %s gen=%llu",
			     trace_name_or_number(flush_steps,
						  ARRAY_SIZE(flush_steps), a,
						  num, sizeof(num)),
			     (unsigned long long)b);
		break;
	case TRACE_ZAP:
	case TRACE_SPLIT:
	case TRACE_COLLAPSE:
	case TRACE_WRPROTECT:
	case TRACE_AGE:
		trace_format_range(buf, size, trace_kind_names[kind], a, b, c);
		break;
	case TRACE_GRACE:
		if (a == TRACE_GRACE_BEGIN)
			fmt_snprintf(buf, size, "grace begin flush=%llu",
				     (unsigned long long)b);
		else if (a == TRACE_GRACE_END)
			fmt_snprintf(buf, size, "grace end freed=%llu",
				     (unsigned long long)b);
		else
			fmt_snprintf(buf, size, "grace #%llu %#llx",
				     (unsigned long long)a,
				     (unsigned long long)b);
		break;
	default:
		fmt_snprintf(buf, size, "kind#%u a=%#llx b=%#llx c=%#llx", kind,
			     (unsigned long long)a, (unsigned long long)b,
			     (unsigned long long)c);
		break;
	}
}

void trace_format_event(char *buf, size_t size, unsigned cpu,
			const struct trace_event *ev)
{
	uint64_t us = trace_hooks->stamp_to_us(trace_event_stamp(ev));
	int n = fmt_snprintf(buf, size, "%5llu.%06llu cpu%u ",
			     (unsigned long long)(us / 1000000),
			     (unsigned long long)(us % 1000000), cpu);

	if (n >= 0 && (size_t)n < size)
		trace_format_text(buf + n, size - n, ev);
}
