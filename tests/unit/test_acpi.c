/*
 * acpi_parse on tables built in a fake physical memory: two windows, one
 * below 4 GiB (where an RSDP can point) and one above (reachable only from
 * an XSDT), both backed by one heap arena. direct_map_readable() refuses
 * anything outside them (as the direct map refuses holes) and records
 * what it was asked for; phys_to_virt() fails the test for any address
 * not made readable first; log_printf() keeps every message so that the
 * tests can check what was reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "arch/x86/direct_map.h"
#include "arch/x86/paging.h"
#include "base/log.h"

#define WINDOW_SIZE (512u * 1024)
#define LOW_BASE    0x7fe0000ull
#define HIGH_BASE   0x180000000ull

enum where { LOW, HIGH };

static uint8_t *arena; /* low window, then high window */
static size_t arena_used[2];
static unsigned phys_to_virt_calls;

/* What acpi.c made readable, in order. */
#define READABLE_MAX 2048
static struct {
	uint64_t phys, len;
} readable[READABLE_MAX];
static unsigned readable_count;

#define LOG_MAX 16

static char logs[LOG_MAX][LOG_LINE_MAX];
static unsigned log_levels[LOG_MAX];
static unsigned log_count;

/* --- the hypervisor functions acpi.c calls --- */

static bool in_window(uint64_t phys, uint64_t len, uint64_t base)
{
	return phys >= base && phys - base < WINDOW_SIZE &&
	       len <= WINDOW_SIZE - (phys - base);
}

/* Whether [phys, phys + len) was made readable by one call. */
static bool was_made_readable(uint64_t phys, uint64_t len)
{
	for (unsigned i = 0; i < readable_count; i++)
		if (readable[i].phys <= phys &&
		    phys + len <= readable[i].phys + readable[i].len)
			return true;
	return false;
}

bool direct_map_readable(uint64_t phys, uint64_t len, const char **why)
{
	if (!in_window(phys, len, LOW_BASE) && !in_window(phys, len, HIGH_BASE)) {
		*why = "the memory map has a hole or bad RAM there";
		return false;
	}
	assert_true(readable_count < READABLE_MAX);
	readable[readable_count].phys = phys;
	readable[readable_count++].len = len;
	return true;
}

void *phys_to_virt(uint64_t phys)
{
	phys_to_virt_calls++;
	if (!was_made_readable(phys, 1))
		fail_msg("phys_to_virt(%#llx) before direct_map_readable()",
			 (unsigned long long)phys);
	if (phys >= LOW_BASE && phys - LOW_BASE < WINDOW_SIZE)
		return arena + (phys - LOW_BASE);
	if (phys >= HIGH_BASE && phys - HIGH_BASE < WINDOW_SIZE)
		return arena + WINDOW_SIZE + (phys - HIGH_BASE);
	fail_msg("phys_to_virt(%#llx): no table there",
		 (unsigned long long)phys);
	return NULL;
}

void log_printf(unsigned level, const char *fmt, ...)
{
	va_list ap;

	assert_true(log_count < LOG_MAX);
	va_start(ap, fmt);
	vsnprintf(logs[log_count], LOG_LINE_MAX, fmt, ap);
	va_end(ap);
	log_levels[log_count++] = level;
}

/* --- fake physical memory --- */

static int setup(void **state)
{
	arena = calloc(2, WINDOW_SIZE);
	assert_non_null(arena);
	arena_used[LOW] = arena_used[HIGH] = 0;
	phys_to_virt_calls = 0;
	readable_count = 0;
	log_count = 0;
	return 0;
}

static int teardown(void **state)
{
	free(arena);
	arena = NULL;
	return 0;
}

/* len bytes of zeroed fake memory at a 16-byte aligned physical address. */
static uint64_t mem_alloc(enum where w, size_t len)
{
	uint64_t off = arena_used[w];

	assert_true(off + len <= WINDOW_SIZE);
	arena_used[w] = ALIGN_UP(off + len, 16);
	return (w == LOW ? LOW_BASE : HIGH_BASE) + off;
}

static void *mem(uint64_t phys)
{
	if (phys >= HIGH_BASE)
		return arena + WINDOW_SIZE + (phys - HIGH_BASE);
	return arena + (phys - LOW_BASE);
}

static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

/* --- tables --- */

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

#define SDT_HEADER  36
#define MADT_HEADER 44

static struct sdt_header *hdr(uint64_t phys)
{
	return mem(phys);
}

/* Sets the checksum byte so that the table's length bytes sum to zero. */
static void table_seal(uint64_t phys)
{
	struct sdt_header *h = hdr(phys);

	h->checksum = 0;
	h->checksum = (uint8_t)-sum(h, h->length);
}

/*
 * A table of len bytes (the header's length field) with a body that is not
 * all zeros; alloc bytes are taken (at least len).
 */
static uint64_t table_new_sized(enum where w, const char *sig, uint32_t len,
				size_t alloc)
{
	uint64_t phys = mem_alloc(w, alloc);
	struct sdt_header *h = hdr(phys);
	uint8_t *body = (uint8_t *)h;

	for (size_t i = SDT_HEADER; i < alloc; i++)
		body[i] = (uint8_t)(i * 37 + 11);
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	memcpy(h->oem_id, "HVTEST", 6);
	memcpy(h->oem_table_id, "UNITTEST", 8);
	h->oem_revision = 1;
	table_seal(phys);
	return phys;
}

static uint64_t table_new(enum where w, const char *sig, uint32_t len)
{
	return table_new_sized(w, sig, len, len);
}

/* An RSDT (4-byte entries) or XSDT (8-byte entries) listing tables. */
static uint64_t root_new(enum where w, bool xsdt, const uint64_t *tables,
			 size_t n)
{
	size_t esize = xsdt ? 8 : 4;
	uint64_t phys = mem_alloc(w, SDT_HEADER + n * esize);
	struct sdt_header *h = hdr(phys);

	memcpy(h->signature, xsdt ? "XSDT" : "RSDT", 4);
	h->length = SDT_HEADER + n * esize;
	h->revision = 1;
	memcpy(h->oem_id, "HVTEST", 6);
	for (size_t i = 0; i < n; i++) {
		if (!xsdt)
			assert_true(tables[i] <= UINT32_MAX);
		memcpy((uint8_t *)h + SDT_HEADER + i * esize, &tables[i],
		       esize);
	}
	table_seal(phys);
	return phys;
}

/* --- the MADT --- */

struct madt_builder {
	uint8_t buf[8192];
	size_t len;
};

static struct madt_builder *madt_begin(uint32_t lapic_address)
{
	struct madt_builder *b = calloc(1, sizeof(*b));
	uint32_t pcat_compat = 1;

	assert_non_null(b);
	memcpy(b->buf + SDT_HEADER, &lapic_address, 4);
	memcpy(b->buf + SDT_HEADER + 4, &pcat_compat, 4);
	b->len = MADT_HEADER;
	return b;
}

static void madt_entry(struct madt_builder *b, uint8_t type, uint8_t len,
		       const void *body, size_t body_len)
{
	assert_true(b->len + 2 + body_len <= sizeof(b->buf));
	b->buf[b->len] = type;
	b->buf[b->len + 1] = len;
	memcpy(b->buf + b->len + 2, body, body_len);
	b->len += 2 + body_len;
}

static void madt_lapic(struct madt_builder *b, uint8_t uid, uint8_t apic_id,
		       uint32_t flags)
{
	uint8_t e[6] = {uid, apic_id};

	memcpy(e + 2, &flags, 4);
	madt_entry(b, 0, 8, e, sizeof(e));
}

static void madt_x2apic(struct madt_builder *b, uint32_t x2apic_id,
			uint32_t flags, uint32_t uid)
{
	uint8_t e[14] = {0};

	memcpy(e + 2, &x2apic_id, 4);
	memcpy(e + 6, &flags, 4);
	memcpy(e + 10, &uid, 4);
	madt_entry(b, 9, 16, e, sizeof(e));
}

static void madt_override(struct madt_builder *b, uint64_t address)
{
	uint8_t e[10] = {0};

	memcpy(e + 2, &address, 8);
	madt_entry(b, 5, 12, e, sizeof(e));
}

/* An I/O APIC entry: neither a CPU nor the LAPIC address. */
static void madt_ioapic(struct madt_builder *b, uint8_t id, uint32_t address)
{
	uint8_t e[10] = {id, 0};

	memcpy(e + 2, &address, 4);
	madt_entry(b, 1, 12, e, sizeof(e));
}

/* The MADT in fake memory, its length cut short by cut bytes. */
static uint64_t madt_place_cut(struct madt_builder *b, enum where w, size_t cut)
{
	uint32_t len = b->len - cut;
	uint64_t phys = table_new_sized(w, "APIC", len, b->len);

	memcpy((uint8_t *)mem(phys) + SDT_HEADER, b->buf + SDT_HEADER,
	       b->len - SDT_HEADER);
	table_seal(phys);
	free(b);
	return phys;
}

static uint64_t madt_place(struct madt_builder *b, enum where w)
{
	return madt_place_cut(b, w, 0);
}

/* --- the RSDP and the parse --- */

static struct boot_info *bi_new(void)
{
	struct boot_info *bi = calloc(1, sizeof(*bi));

	assert_non_null(bi);
	return bi;
}

/* An ACPI 1.0 RSDP, as the Multiboot2 "old ACPI" tag hands it over. */
static void rsdp_v1(struct boot_info *bi, uint64_t rsdt)
{
	uint32_t rsdt32 = (uint32_t)rsdt;

	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, "RSD PTR ", 8);
	memcpy(bi->rsdp + 9, "HVTEST", 6);
	bi->rsdp[15] = 0;
	memcpy(bi->rsdp + 16, &rsdt32, 4);
	bi->rsdp[8] = (uint8_t)-sum(bi->rsdp, 20);
	bi->rsdp_revision = 0;
	bi->has_rsdp = true;
}

/* An ACPI 2.0+ RSDP with both checksums right. */
static void rsdp_v2(struct boot_info *bi, uint64_t rsdt, uint64_t xsdt)
{
	uint32_t rsdt32 = (uint32_t)rsdt, length = 36;

	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, "RSD PTR ", 8);
	memcpy(bi->rsdp + 9, "HVTEST", 6);
	bi->rsdp[15] = 2;
	memcpy(bi->rsdp + 16, &rsdt32, 4);
	memcpy(bi->rsdp + 20, &length, 4);
	memcpy(bi->rsdp + 24, &xsdt, 8);
	bi->rsdp[8] = (uint8_t)-sum(bi->rsdp, 20);
	bi->rsdp[32] = (uint8_t)-sum(bi->rsdp, 36);
	bi->rsdp_revision = 2;
	bi->has_rsdp = true;
}

struct result {
	bool ok;
	char err[128];
	struct acpi_info info;
};

static struct result *parse(const struct boot_info *bi)
{
	struct result *r = malloc(sizeof(*r));

	assert_non_null(r);
	memset(r, 0x5a, sizeof(*r));
	r->ok = acpi_parse(bi, &r->info, r->err, sizeof(r->err));
	return r;
}

static void expect_fail(const struct boot_info *bi, const char *msg)
{
	struct result *r = parse(bi);

	assert_false(r->ok);
	assert_string_equal(r->err, msg);
	assert_false(r->info.has_madt);
	assert_int_equal(r->info.table_count, 0);
	free(r);
}

static void expect_tables(const struct acpi_info *info, const uint64_t *phys,
			  size_t n)
{
	assert_int_equal(info->table_count, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(info->tables[i].base, phys[i]);
		assert_int_equal(info->tables[i].length, hdr(phys[i])->length);
		assert_int_equal(info->tables[i].type, MEM_ACPI_RECLAIM);
		/* All of it was read: all of it was made readable first. */
		assert_true(was_made_readable(phys[i], hdr(phys[i])->length));
	}
}

static void expect_cpus(const struct acpi_cpus *cpus, const uint32_t *ids,
			unsigned n)
{
	assert_int_equal(cpus->count, n);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(cpus->apic_ids[i], ids[i]);
}

static void expect_no_log(void)
{
	if (log_count)
		fail_msg("unexpected log: %s", logs[0]);
}

static void expect_log(unsigned i, unsigned level, const char *msg)
{
	assert_true(i < log_count);
	assert_int_equal(log_levels[i], level);
	assert_string_equal(logs[i], msg);
}

/* The warnings of a skipped table, word for word. */
static void expect_bad_length(unsigned i, uint64_t phys, uint32_t len)
{
	char want[LOG_LINE_MAX];

	snprintf(want, sizeof(want),
		 "WARNING: acpi: table at %#llx has a bad length %u: skipped",
		 (unsigned long long)phys, len);
	expect_log(i, LOG_WARN, want);
}

static void expect_bad_checksum(unsigned i, const char *sig, uint64_t phys)
{
	char want[LOG_LINE_MAX];

	snprintf(want, sizeof(want),
		 "WARNING: acpi: table %s at %#llx has a bad checksum: skipped",
		 sig, (unsigned long long)phys);
	expect_log(i, LOG_WARN, want);
}

/* --- tests --- */

/* ACPI 1.0: RSDP -> RSDT -> FACP, MADT, HPET; LAPIC entries only. */
static void test_acpi1_rsdt(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[4];
	struct result *r;

	madt_lapic(b, 0, 0, 1);
	madt_ioapic(b, 8, 0xfec00000);
	madt_lapic(b, 1, 2, 1);
	madt_lapic(b, 2, 4, 0); /* disabled */
	madt_lapic(b, 3, 6, 2); /* online-capable: an empty hot-plug slot */
	madt_lapic(b, 4, 8, 3);
	t[1] = table_new(LOW, "FACP", 116);
	t[2] = madt_place(b, LOW);
	t[3] = table_new(LOW, "HPET", 56);
	t[0] = root_new(LOW, false, t + 1, 3);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_true(r->info.has_madt);
	expect_cpus(&r->info.cpus, (const uint32_t[]){0, 2, 8}, 3);
	assert_int_equal(r->info.cpus.listed, 5);
	assert_int_equal(r->info.cpus.x2apic_entries, 0);
	assert_int_equal(r->info.cpus.lapic_phys, 0xfee00000);
	assert_string_equal(r->info.oem_id, "HVTEST");
	expect_tables(&r->info, t, 4);
	expect_no_log();
	free(r);
	free(bi);
}

/*
 * ACPI 2.0: the XSDT is used, not the RSDT, and its 64-bit entries reach
 * tables above 4 GiB.
 */
static void test_acpi2_xsdt(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[3], old[2];
	struct result *r;

	madt_x2apic(b, 0x100, 1, 0);
	madt_x2apic(b, 0x2000, 1, 1);
	madt_lapic(b, 2, 3, 1);
	t[1] = table_new(HIGH, "FACP", 276);
	t[2] = madt_place(b, HIGH);
	t[0] = root_new(HIGH, true, t + 1, 2);

	/* An RSDT with a different MADT, which must not be read. */
	b = madt_begin(0xfee00000);
	madt_lapic(b, 0, 77, 1);
	old[1] = madt_place(b, LOW);
	old[0] = root_new(LOW, false, old + 1, 1);
	rsdp_v2(bi, old[0], t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_true(r->info.has_madt);
	expect_cpus(&r->info.cpus, (const uint32_t[]){0x100, 0x2000, 3}, 3);
	assert_int_equal(r->info.cpus.listed, 3);
	assert_int_equal(r->info.cpus.x2apic_entries, 2);
	expect_tables(&r->info, t, 3);
	assert_true(r->info.tables[0].base >= 1ull << 32);
	expect_no_log();
	free(r);
	free(bi);
}

/* Without a usable XSDT pointer, a 2.0 RSDP falls back to the RSDT. */
static void test_rsdt_fallback(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t rsdt[2], xsdt[2];
	struct result *r;

	madt_lapic(b, 0, 1, 1);
	rsdt[1] = madt_place(b, LOW);
	rsdt[0] = root_new(LOW, false, rsdt + 1, 1);
	b = madt_begin(0xfee00000);
	madt_lapic(b, 0, 2, 1);
	xsdt[1] = madt_place(b, HIGH);
	xsdt[0] = root_new(HIGH, true, xsdt + 1, 1);

	/* XSDT address 0. */
	rsdp_v2(bi, rsdt[0], 0);
	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){1}, 1);
	expect_tables(&r->info, rsdt, 2);
	free(r);

	/*
	 * The loader handed over a 1.0 RSDP (only 20 bytes are valid): the
	 * rest, an XSDT address with a wrong extended checksum, is ignored.
	 */
	rsdp_v2(bi, rsdt[0], xsdt[0]);
	bi->rsdp_revision = 0;
	bi->rsdp[32] ^= 0x55;
	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){1}, 1);
	expect_tables(&r->info, rsdt, 2);
	free(r);

	/* A 1.0 RSDP (revision 0) in a 2.0-sized copy. */
	rsdp_v2(bi, rsdt[0], xsdt[0]);
	bi->rsdp[15] = 0;
	bi->rsdp[8] = 0;
	bi->rsdp[8] = (uint8_t)-sum(bi->rsdp, 20);
	bi->rsdp[32] ^= 0x55;
	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){1}, 1);
	free(r);
	expect_no_log();
	free(bi);
}

static void test_bad_rsdp(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t fadt = table_new(HIGH, "FACP", 116);
	uint64_t xsdt = root_new(HIGH, true, &fadt, 1);
	const char *corrupt =
	    "the ACPI RSDP is corrupt (signature or checksum)";

	expect_fail(bi, "the boot loader passed no ACPI RSDP");

	rsdp_v2(bi, 0, xsdt);
	bi->rsdp[7] = '!';
	expect_fail(bi, corrupt);
	rsdp_v2(bi, 0, xsdt);
	bi->rsdp[0] = 'r';
	expect_fail(bi, corrupt);

	/* A checksum off by one; the extended one covers the change. */
	rsdp_v2(bi, 0, xsdt);
	bi->rsdp[8]++;
	bi->rsdp[32]--;
	expect_fail(bi, corrupt);

	/* The first 20 bytes fine, the extended checksum wrong. */
	rsdp_v2(bi, 0, xsdt);
	bi->rsdp[32]++;
	expect_fail(bi, "the ACPI 2.0 RSDP has a bad extended checksum");
	/* A byte in the extended part changed. */
	rsdp_v2(bi, 0, xsdt);
	bi->rsdp[24] ^= 0x10;
	expect_fail(bi, "the ACPI 2.0 RSDP has a bad extended checksum");

	rsdp_v1(bi, 0);
	bi->rsdp[19] = 1;
	expect_fail(bi, corrupt);

	/* No table was even looked at. */
	assert_int_equal(phys_to_virt_calls, 0);
	expect_no_log();

	rsdp_v2(bi, 0, xsdt);
	bi->has_rsdp = false;
	expect_fail(bi, "the boot loader passed no ACPI RSDP");
	free(bi);
}

static void test_bad_root(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t fadt = table_new(LOW, "FACP", 116);
	uint64_t rsdt = root_new(LOW, false, &fadt, 1);
	uint64_t xsdt = root_new(HIGH, true, &fadt, 1);

	rsdp_v1(bi, 0);
	expect_fail(bi, "the ACPI RSDT is missing or corrupt");
	expect_no_log();

	hdr(rsdt)->checksum++;
	rsdp_v1(bi, rsdt);
	expect_fail(bi, "the ACPI RSDT is missing or corrupt");
	expect_bad_checksum(0, "RSDT", rsdt);

	hdr(xsdt)->length = SDT_HEADER - 1;
	rsdp_v2(bi, rsdt, xsdt);
	expect_fail(bi, "the ACPI XSDT is missing or corrupt");
	expect_bad_length(1, xsdt, 35);
	assert_int_equal(log_count, 2);
	free(bi);
}

/* A table with a bad checksum is reported and left out; the rest are used. */
static void test_bad_table_checksum(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[4], good[3];
	struct result *r;

	madt_lapic(b, 0, 0, 1);
	t[1] = table_new(LOW, "FACP", 116);
	t[2] = madt_place(b, LOW);
	t[3] = table_new(LOW, "HPET", 56);
	t[0] = root_new(LOW, false, t + 1, 3);
	((uint8_t *)mem(t[2]))[MADT_HEADER + 3] ^= 1; /* the APIC ID */
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_false(r->info.has_madt);
	assert_int_equal(r->info.cpus.count, 0);
	assert_int_equal(r->info.cpus.listed, 0);
	good[0] = t[0], good[1] = t[1], good[2] = t[3];
	expect_tables(&r->info, good, 3);
	expect_bad_checksum(0, "APIC", t[2]);
	assert_int_equal(log_count, 1);
	free(r);
	free(bi);
}

static void test_table_length(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t t[8], good[4];
	struct result *r;

	t[1] = table_new(LOW, "FACP", 116);
	hdr(t[1])->length = SDT_HEADER - 1;
	table_seal(t[1]);
	t[2] = table_new(LOW, "SSDT", 64);
	hdr(t[2])->length = (16u << 20) + 1;
	t[3] = table_new(LOW, "BOOT", 40);
	hdr(t[3])->length = 0;
	t[4] = table_new(LOW, "DSDT", 80);
	hdr(t[4])->length = UINT32_MAX;
	/* Just a header: fine. */
	t[5] = table_new(LOW, "SSDT", SDT_HEADER);
	/* An MADT too short for its own fields: kept, but not parsed. */
	t[6] = table_new(LOW, "APIC", MADT_HEADER - 1);
	t[7] = table_new(LOW, "HPET", 56);
	t[0] = root_new(LOW, false, t + 1, 7);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_false(r->info.has_madt);
	good[0] = t[0], good[1] = t[5], good[2] = t[6], good[3] = t[7];
	expect_tables(&r->info, good, 4);
	assert_int_equal(log_count, 4);
	expect_bad_length(0, t[1], 35);
	expect_bad_length(1, t[2], (16u << 20) + 1);
	expect_bad_length(2, t[3], 0);
	expect_bad_length(3, t[4], UINT32_MAX);
	free(r);
	free(bi);
}

/* The root's entries: zero ones skipped, a partial last one ignored. */
static void test_root_entries(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t t[3], listed[4];
	struct result *r;

	t[1] = table_new(LOW, "FACP", 116);
	t[2] = table_new(LOW, "HPET", 56);
	listed[0] = 0;
	listed[1] = t[1];
	listed[2] = 0;
	listed[3] = t[2];
	t[0] = root_new(LOW, false, listed, 4);
	rsdp_v1(bi, t[0]);
	r = parse(bi);
	assert_true(r->ok);
	expect_tables(&r->info, t, 3);
	free(r);

	/* Length 36 + 3 * 4 - 1: the last entry is cut and not read. */
	hdr(t[0])->length -= 1;
	table_seal(t[0]);
	r = parse(bi);
	assert_true(r->ok);
	expect_tables(&r->info, t, 2);
	free(r);

	/* An empty root is valid. */
	t[0] = root_new(LOW, true, NULL, 0);
	rsdp_v2(bi, 0, t[0]);
	r = parse(bi);
	assert_true(r->ok);
	assert_false(r->info.has_madt);
	expect_tables(&r->info, t, 1);
	free(r);
	expect_no_log();
	free(bi);
}

static void test_madt_flags(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 0, 1);		      /* enabled */
	madt_lapic(b, 1, 1, 0);		      /* disabled */
	madt_lapic(b, 2, 2, 2);		      /* online-capable: not there yet */
	madt_lapic(b, 3, 3, 0xfffffffc);      /* reserved bits only */
	madt_x2apic(b, 0x400, 0, 4);	      /* disabled */
	madt_x2apic(b, 0x401, 2, 5);	      /* online-capable: not there yet */
	madt_x2apic(b, 0x402, 0x80000001, 6); /* enabled */
	madt_x2apic(b, 0x403, 0xfffffffc, 7); /* reserved bits only */
	t[1] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 1);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){0, 0x402}, 2);
	assert_int_equal(r->info.cpus.listed, 8);
	assert_int_equal(r->info.cpus.x2apic_entries, 4);
	expect_no_log();
	free(r);
	free(bi);
}

/* The broadcast IDs are never CPUs. */
static void test_madt_broadcast_ids(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 0, 1);
	madt_lapic(b, 1, 0xff, 1);
	madt_x2apic(b, 0xffffffffu, 1, 2);
	madt_x2apic(b, 0x100, 1, 3);
	t[1] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 1);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){0, 0x100}, 2);
	assert_int_equal(r->info.cpus.listed, 4);
	free(r);
	free(bi);
}

/* A CPU listed both as LAPIC and as x2APIC counts once. */
static void test_madt_duplicates(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 3, 1);
	madt_lapic(b, 1, 4, 0); /* disabled here, enabled as x2APIC */
	madt_x2apic(b, 3, 1, 0);
	madt_x2apic(b, 4, 1, 1);
	madt_x2apic(b, 5, 1, 2);
	madt_lapic(b, 2, 5, 1);
	madt_x2apic(b, 0x100, 1, 3);
	t[1] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 1);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){3, 4, 5, 0x100}, 4);
	assert_int_equal(r->info.cpus.listed, 7);
	assert_int_equal(r->info.cpus.x2apic_entries, 4);
	free(r);
	free(bi);
}

/* Entries of the right type but too short are skipped; parsing goes on. */
static void test_madt_short_entries(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint8_t body[14] = {0, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 1, 1);
	madt_entry(b, 0, 6, body, 4);	 /* LAPIC without flags */
	madt_entry(b, 9, 12, body, 10);	 /* x2APIC without flags */
	madt_entry(b, 5, 10, body, 8);	 /* override without the top half */
	madt_entry(b, 0x7f, 3, body, 1); /* unknown type */
	madt_lapic(b, 1, 2, 1);
	t[1] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 1);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){1, 2}, 2);
	assert_int_equal(r->info.cpus.listed, 2);
	assert_int_equal(r->info.cpus.x2apic_entries, 0);
	assert_int_equal(r->info.cpus.lapic_phys, 0xfee00000);
	expect_no_log();
	free(r);
	free(bi);
}

static void test_lapic_override(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 0, 1);
	madt_override(b, 0x0000004fee000000ull);
	madt_lapic(b, 1, 1, 1);
	t[1] = madt_place(b, HIGH);
	t[0] = root_new(HIGH, true, t + 1, 1);
	rsdp_v2(bi, 0, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_int_equal(r->info.cpus.lapic_phys, 0x0000004fee000000ull);
	expect_cpus(&r->info.cpus, (const uint32_t[]){0, 1}, 2);
	free(r);

	/* Without an override, the MADT header's 32-bit address. */
	b = madt_begin(0xfee01000);
	madt_lapic(b, 0, 0, 1);
	t[1] = madt_place(b, HIGH);
	t[0] = root_new(HIGH, true, t + 1, 1);
	rsdp_v2(bi, 0, t[0]);
	r = parse(bi);
	assert_true(r->ok);
	assert_int_equal(r->info.cpus.lapic_phys, 0xfee01000);
	free(r);
	expect_no_log();
	free(bi);
}

/*
 * An entry with a length below 2 or running past the table's end stops the
 * parse with a warning; the CPUs before it are kept.
 */
static void check_bad_entry(uint8_t type, uint8_t len, size_t cut)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint8_t body[14] = {0, 9, 1};
	char want[LOG_LINE_MAX];
	uint64_t t[3];
	struct result *r;

	log_count = 0;
	madt_lapic(b, 0, 10, 1);
	madt_x2apic(b, 11, 1, 1);
	madt_entry(b, type, len, body, sizeof(body));
	madt_lapic(b, 2, 12, 1);
	t[1] = madt_place_cut(b, LOW, cut);
	t[2] = table_new(LOW, "HPET", 56);
	t[0] = root_new(LOW, false, t + 1, 2);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_true(r->info.has_madt);
	expect_cpus(&r->info.cpus, (const uint32_t[]){10, 11}, 2);
	assert_int_equal(r->info.cpus.listed, 2);
	/* The MADT itself was fine, and so is the table after it. */
	expect_tables(&r->info, t, 3);
	assert_int_equal(log_count, 1);
	snprintf(want, sizeof(want),
		 "WARNING: acpi: MADT entry of type %u has a bad length %u: rest ignored",
		 type, len);
	expect_log(0, LOG_WARN, want);
	free(r);
	free(bi);
}

static void test_madt_bad_entry(void **state)
{
	check_bad_entry(0, 0, 0);
	check_bad_entry(9, 1, 0);
	check_bad_entry(0x7f, 0, 0);
	/* A 16-byte x2APIC entry of which the table holds only 15. */
	check_bad_entry(9, 16, 8 + 1);
	/* ... or only its type and length. */
	check_bad_entry(9, 16, 8 + 14);
	/* A length running far past the end. */
	check_bad_entry(0, 255, 0);
}

/* One trailing byte, too short to be an entry, is not an error. */
static void test_madt_trailing_byte(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[2];
	struct result *r;

	madt_lapic(b, 0, 10, 1);
	b->buf[b->len++] = 0;
	t[1] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 1);
	rsdp_v1(bi, t[0]);
	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){10}, 1);
	expect_no_log();
	free(r);
	free(bi);
}

static void test_no_madt(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t t[4];
	struct result *r;

	t[1] = table_new(HIGH, "FACP", 276);
	t[2] = table_new(HIGH, "HPET", 56);
	t[3] = table_new(HIGH, "APIX", 64);
	t[0] = root_new(HIGH, true, t + 1, 3);
	rsdp_v2(bi, 0, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_false(r->info.has_madt);
	assert_int_equal(r->info.cpus.count, 0);
	assert_int_equal(r->info.cpus.listed, 0);
	assert_int_equal(r->info.cpus.lapic_phys, 0);
	expect_tables(&r->info, t, 4);
	assert_string_equal(r->info.oem_id, "HVTEST");
	expect_no_log();
	free(r);
	free(bi);
}

/* Only the first MADT counts; a second one is kept as a table. */
static void test_two_madts(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	uint64_t t[3];
	struct result *r;

	madt_lapic(b, 0, 1, 1);
	t[1] = madt_place(b, LOW);
	b = madt_begin(0xfee10000);
	madt_lapic(b, 0, 2, 1);
	madt_lapic(b, 1, 3, 1);
	t[2] = madt_place(b, LOW);
	t[0] = root_new(LOW, false, t + 1, 2);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_cpus(&r->info.cpus, (const uint32_t[]){1}, 1);
	assert_int_equal(r->info.cpus.listed, 1);
	assert_int_equal(r->info.cpus.lapic_phys, 0xfee00000);
	expect_tables(&r->info, t, 3);
	free(r);
	free(bi);
}

static void test_too_many_cpus(void **state)
{
	struct boot_info *bi = bi_new();
	struct madt_builder *b = madt_begin(0xfee00000);
	unsigned n = ACPI_MAX_CPUS + 44;
	uint64_t t[2];
	struct result *r;

	for (unsigned i = 0; i < n; i++)
		madt_x2apic(b, 0x40 + i, 1, i);
	/* Listed already: still recognized as the same CPU. */
	madt_lapic(b, 0, 0x41, 1);
	t[1] = madt_place(b, HIGH);
	t[0] = root_new(HIGH, true, t + 1, 1);
	rsdp_v2(bi, 0, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_int_equal(r->info.cpus.count, ACPI_MAX_CPUS);
	for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
		assert_int_equal(r->info.cpus.apic_ids[i], 0x40 + i);
	assert_int_equal(r->info.cpus.listed, n + 1);
	assert_int_equal(r->info.cpus.x2apic_entries, n);
	expect_tables(&r->info, t, 2);
	free(r);
	free(bi);
}

/*
 * More tables than info->tables holds: the first ones are kept, each of
 * the others reported, and an MADT among them still parsed.
 */
static void test_too_many_tables(void **state)
{
	struct boot_info *bi = bi_new();
	size_t n = ACPI_MAX_TABLES + 6;
	uint64_t *t = calloc(n + 1, sizeof(*t));
	struct madt_builder *b = madt_begin(0xfee00000);
	char want[LOG_LINE_MAX];
	struct result *r;

	assert_non_null(t);
	for (size_t i = 1; i < n; i++)
		t[i] = table_new(HIGH, "SSDT", 40 + i);
	madt_lapic(b, 0, 7, 1);
	t[n] = madt_place(b, HIGH);
	t[0] = root_new(HIGH, true, t + 1, n);
	rsdp_v2(bi, 0, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	expect_tables(&r->info, t, ACPI_MAX_TABLES);
	assert_true(r->info.has_madt);
	expect_cpus(&r->info.cpus, (const uint32_t[]){7}, 1);
	assert_int_equal(log_count, n + 1 - ACPI_MAX_TABLES);
	for (size_t i = ACPI_MAX_TABLES; i <= n; i++) {
		snprintf(want, sizeof(want),
			 "WARNING: acpi: more than %u tables: the one at %#llx is not kept from the allocator",
			 ACPI_MAX_TABLES, (unsigned long long)t[i]);
		expect_log(i - ACPI_MAX_TABLES, LOG_WARN, want);
	}
	free(r);
	free(t);
	free(bi);
}

/* --- the timers: the FADT's PM timer and the HPET table --- */

#define FADT_V1 116  /* ACPI 1.0: up to the flags */
#define FADT_V6 276
#define TMR_VAL_EXT (1u << 8)
#define HW_REDUCED_ACPI (1u << 20)
#define RESET_REG_SUP (1u << 10)

struct fadt_fields {
	uint32_t pm_tmr_blk;
	uint8_t pm_tmr_len;
	uint32_t flags;
	uint8_t x_space;  /* X_PM_TMR_BLK, in FADTs long enough */
	uint64_t x_address;
	uint8_t reset_space; /* RESET_REG and RESET_VALUE, from ACPI 2.0 */
	uint64_t reset_address;
	uint8_t reset_value;
};

static uint64_t fadt_new(uint32_t len, const struct fadt_fields *f)
{
	uint64_t phys = table_new(LOW, "FACP", len);
	uint8_t *p = mem(phys);

	memcpy(p + 76, &f->pm_tmr_blk, 4);
	if (len >= 92)
		p[91] = f->pm_tmr_len;
	if (len >= 116)
		memcpy(p + 112, &f->flags, 4);
	if (len >= 129) {
		p[116] = f->reset_space;
		p[117] = 8;
		memcpy(p + 120, &f->reset_address, 8);
		p[128] = f->reset_value;
	}
	if (len >= 220) {
		memset(p + 208, 0, 12);
		p[208] = f->x_space;
		p[209] = 32;
		memcpy(p + 212, &f->x_address, 8);
	}
	table_seal(phys);
	return phys;
}

static uint64_t hpet_table_new(uint32_t len, uint8_t space, uint64_t address)
{
	uint64_t phys = table_new(LOW, "HPET", len);
	uint8_t *p = mem(phys);

	p[40] = space;
	memcpy(p + 44, &address, 8);
	table_seal(phys);
	return phys;
}

/* The timers acpi_parse finds behind an RSDT listing these tables. */
static struct acpi_timers timers_of(const uint64_t *tables, size_t n)
{
	struct boot_info *bi = bi_new();
	struct acpi_timers t;
	struct result *r;

	rsdp_v1(bi, root_new(LOW, false, tables, n));
	r = parse(bi);
	assert_true(r->ok);
	t = r->info.timers;
	free(r);
	free(bi);
	expect_no_log();
	return t;
}

/* ACPI 1.0: PM_TMR_BLK, 24 bits unless TMR_VAL_EXT. */
static void test_pm_timer_legacy(void **state)
{
	struct fadt_fields f = { .pm_tmr_blk = 0xb008, .pm_tmr_len = 4 };
	uint64_t t[1] = { fadt_new(FADT_V1, &f) };
	struct acpi_timers tm = timers_of(t, 1);

	assert_true(tm.has_fadt);
	assert_int_equal(tm.pm_timer_port, 0xb008);
	assert_int_equal(tm.pm_timer_bits, 24);
	assert_null(tm.pm_timer_why);
	assert_false(tm.has_hpet_table);
	assert_int_equal(tm.hpet_phys, 0);

	f.flags = TMR_VAL_EXT;
	t[0] = fadt_new(FADT_V1, &f);
	tm = timers_of(t, 1);
	assert_int_equal(tm.pm_timer_port, 0xb008);
	assert_int_equal(tm.pm_timer_bits, 32);
}

/* X_PM_TMR_BLK wins over PM_TMR_BLK when it has an address. */
static void test_pm_timer_extended(void **state)
{
	struct fadt_fields f = { .pm_tmr_blk = 0x1234, .pm_tmr_len = 4,
				 .flags = TMR_VAL_EXT, .x_space = 1,
				 .x_address = 0x608 };
	uint64_t t[1] = { fadt_new(FADT_V6, &f) };
	struct acpi_timers tm = timers_of(t, 1);

	assert_int_equal(tm.pm_timer_port, 0x608);
	assert_int_equal(tm.pm_timer_bits, 32);

	/* Without an X address, the 32-bit field serves. */
	f.x_address = 0;
	f.x_space = 0;
	t[0] = fadt_new(FADT_V6, &f);
	tm = timers_of(t, 1);
	assert_int_equal(tm.pm_timer_port, 0x1234);
}

/* Each reason a FADT gives no usable PM timer, said. */
static void test_pm_timer_absent(void **state)
{
	struct fadt_fields none = { 0 };
	struct fadt_fields no_len = { .pm_tmr_blk = 0xb008, .pm_tmr_len = 0 };
	struct fadt_fields reduced = { .pm_tmr_blk = 0xb008, .pm_tmr_len = 4,
				       .flags = HW_REDUCED_ACPI };
	struct fadt_fields in_memory = { .x_space = 0, .x_address = 0xfed80000 };
	struct fadt_fields too_high = { .x_space = 1, .x_address = 0x10000 };
	const struct {
		uint32_t len;
		const struct fadt_fields *f;
		const char *why;
	} cases[] = {
		{ FADT_V6, &none, "the FADT lists no PM timer" },
		{ FADT_V1, &no_len, "the FADT lists no PM timer" },
		{ FADT_V6, &reduced, "hardware-reduced ACPI has no PM timer" },
		{ FADT_V6, &in_memory, "X_PM_TMR_BLK is not an I/O port" },
		{ FADT_V6, &too_high, "the PM timer's port is out of range" },
		{ 80, &none, "the FADT is too short to list a PM timer" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t t[1] = { fadt_new(cases[i].len, cases[i].f) };
		struct acpi_timers tm = timers_of(t, 1);

		assert_true(tm.has_fadt);
		assert_int_equal(tm.pm_timer_port, 0);
		assert_non_null(tm.pm_timer_why);
		assert_string_equal(tm.pm_timer_why, cases[i].why);
	}
}

/* The reset register the FADT offers, in the spaces it can be written. */
static struct acpi_reset reset_of(uint32_t len, const struct fadt_fields *f)
{
	uint64_t t[1] = { fadt_new(len, f) };
	struct boot_info *bi = bi_new();
	struct acpi_reset rr;
	struct result *r;

	rsdp_v1(bi, root_new(LOW, false, t, 1));
	r = parse(bi);
	assert_true(r->ok);
	rr = r->info.reset;
	free(r);
	free(bi);
	return rr;
}

static void test_reset_register(void **state)
{
	struct fadt_fields io = { .flags = RESET_REG_SUP, .reset_space = 1,
				  .reset_address = 0xcf9, .reset_value = 6 };
	struct fadt_fields pci = { .flags = RESET_REG_SUP, .reset_space = 2,
				   .reset_address = (31ull << 32) | (3 << 16) | 0x44,
				   .reset_value = 0x0e };
	struct acpi_reset r = reset_of(FADT_V6, &io);

	assert_true(r.present);
	assert_int_equal(r.space, ACPI_RESET_IO);
	assert_int_equal(r.address, 0xcf9);
	assert_int_equal(r.value, 6);
	assert_null(r.why);

	r = reset_of(FADT_V6, &pci);
	assert_true(r.present);
	assert_int_equal(r.space, ACPI_RESET_PCI);
	assert_int_equal(r.address, (31ull << 32) | (3 << 16) | 0x44);
	assert_int_equal(r.value, 0x0e);
	expect_no_log();
}

/* Each reason a FADT gives no reset register this hypervisor writes. */
static void test_reset_register_absent(void **state)
{
	struct fadt_fields no_flag = { .reset_space = 1, .reset_address = 0xcf9,
				       .reset_value = 6 };
	struct fadt_fields no_address = { .flags = RESET_REG_SUP, .reset_space = 1 };
	struct fadt_fields memory = { .flags = RESET_REG_SUP, .reset_space = 0,
				      .reset_address = 0xfed80000, .reset_value = 1 };
	struct fadt_fields port = { .flags = RESET_REG_SUP, .reset_space = 1,
				    .reset_address = 0x10000 };
	struct fadt_fields pci_bus = { .flags = RESET_REG_SUP, .reset_space = 2,
				       .reset_address = 32ull << 32 };
	struct fadt_fields odd = { .flags = RESET_REG_SUP, .reset_space = 0x7f,
				   .reset_address = 0xcf9 };
	const struct {
		uint32_t len;
		const struct fadt_fields *f;
		const char *why;
	} cases[] = {
		{ FADT_V6, &no_flag, "the FADT offers no reset register" },
		{ FADT_V6, &no_address, "the FADT offers no reset register" },
		{ FADT_V6, &memory, "the reset register is memory-mapped (not written)" },
		{ FADT_V6, &port, "the reset register's port is out of range" },
		{ FADT_V6, &pci_bus, "the reset register's PCI address is not one of bus 0" },
		{ FADT_V6, &odd, "the reset register is in an unknown address space" },
		{ FADT_V1, &no_flag, "the FADT is too short to hold a reset register" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct acpi_reset r = reset_of(cases[i].len, cases[i].f);

		assert_false(r.present);
		assert_non_null(r.why);
		assert_string_equal(r.why, cases[i].why);
	}
}

static void test_hpet_table(void **state)
{
	uint64_t t[2] = { hpet_table_new(56, 0, 0xfed00000),
			  fadt_new(FADT_V1, &(struct fadt_fields){ 0 }) };
	struct acpi_timers tm = timers_of(t, 2);

	assert_true(tm.has_hpet_table);
	assert_int_equal(tm.hpet_phys, 0xfed00000);

	/* Registers in I/O space, or a table too short to say: none. */
	t[0] = hpet_table_new(56, 1, 0xfed00000);
	tm = timers_of(t, 1);
	assert_true(tm.has_hpet_table);
	assert_int_equal(tm.hpet_phys, 0);
	t[0] = hpet_table_new(52, 0, 0xfed00000);
	tm = timers_of(t, 1);
	assert_true(tm.has_hpet_table);
	assert_int_equal(tm.hpet_phys, 0);

	/* No table at all. */
	t[0] = table_new(LOW, "SSDT", 64);
	tm = timers_of(t, 1);
	assert_false(tm.has_hpet_table);
	assert_false(tm.has_fadt);
	assert_int_equal(tm.hpet_phys, 0);
	assert_int_equal(tm.pm_timer_port, 0);
}

/*
 * A table outside the memory map (a wrong pointer into a hole) and one
 * whose length runs past the end of memory are skipped, each with a
 * warning, and never read.
 */
static void test_table_outside_memory(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t t[4], good[2];
	char want[LOG_LINE_MAX];
	struct result *r;

	t[1] = table_new(LOW, "FACP", 116);
	t[2] = 0x1000; /* a hole */
	t[3] = table_new_sized(LOW, "SSDT", WINDOW_SIZE, 64);
	t[0] = root_new(LOW, false, t + 1, 3);
	rsdp_v1(bi, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	good[0] = t[0], good[1] = t[1];
	expect_tables(&r->info, good, 2);
	assert_int_equal(log_count, 2);
	snprintf(want, sizeof(want),
		 "WARNING: acpi: table at 0x1000 cannot be read (the memory map has a hole or bad RAM there): skipped");
	expect_log(0, LOG_WARN, want);
	snprintf(want, sizeof(want),
		 "WARNING: acpi: table SSDT at %#llx+%#x cannot be read (the memory map has a hole or bad RAM there): skipped",
		 (unsigned long long)t[3], (unsigned)WINDOW_SIZE);
	expect_log(1, LOG_WARN, want);
	assert_false(was_made_readable(t[3], WINDOW_SIZE));
	free(r);
	free(bi);
}

/* --- the SPCR --- */

/* An SPCR for a 16550 at I/O port port, 115200 baud (revision 2). */
static uint64_t spcr_new(enum where w, uint16_t port)
{
	uint64_t phys = table_new(w, "SPCR", 80);
	uint8_t *t = mem(phys);

	memset(t + SDT_HEADER, 0, 80 - SDT_HEADER);
	hdr(phys)->revision = 2;
	t[40] = 1; /* GAS: system I/O */
	t[41] = 8;
	memcpy(t + 44, &port, 2);
	t[58] = 7; /* 115200 */
	memset(t + 64, 0xff, 4); /* not a PCI device */
	table_seal(phys);
	return phys;
}

/*
 * The SPCR is found through the XSDT; one with a bad checksum is reported
 * and skipped like any other table (the next one serves); of two good
 * ones the first counts; without one, .present is false.
 */
static void test_spcr(void **state)
{
	struct boot_info *bi = bi_new();
	uint64_t t[4];
	struct result *r;

	t[1] = spcr_new(HIGH, 0x3e8);
	hdr(t[1])->checksum++;
	t[2] = spcr_new(HIGH, 0x2f8);
	t[3] = spcr_new(LOW, 0x3f8);
	t[0] = root_new(HIGH, true, t + 1, 3);
	rsdp_v2(bi, 0, t[0]);

	r = parse(bi);
	assert_true(r->ok);
	assert_true(r->info.spcr.present);
	assert_true(r->info.spcr.usable);
	assert_int_equal(r->info.spcr.where.space, UART_SPACE_IO);
	assert_int_equal(r->info.spcr.where.base, 0x2f8);
	assert_int_equal(r->info.spcr.baud, 115200);
	assert_int_equal(log_count, 1);
	expect_bad_checksum(0, "SPCR", t[1]);
	free(r);

	log_count = 0;
	t[0] = root_new(HIGH, true, t + 1, 1);
	rsdp_v2(bi, 0, t[0]);
	r = parse(bi);
	assert_true(r->ok);
	assert_false(r->info.spcr.present);
	free(r);
	free(bi);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_acpi1_rsdt),
	    T(test_acpi2_xsdt),
	    T(test_rsdt_fallback),
	    T(test_bad_rsdp),
	    T(test_bad_root),
	    T(test_bad_table_checksum),
	    T(test_table_length),
	    T(test_root_entries),
	    T(test_madt_flags),
	    T(test_madt_broadcast_ids),
	    T(test_madt_duplicates),
	    T(test_madt_short_entries),
	    T(test_lapic_override),
	    T(test_madt_bad_entry),
	    T(test_madt_trailing_byte),
	    T(test_no_madt),
	    T(test_two_madts),
	    T(test_too_many_cpus),
	    T(test_too_many_tables),
	    T(test_spcr),
	    T(test_pm_timer_legacy),
	    T(test_pm_timer_extended),
	    T(test_pm_timer_absent),
	    T(test_reset_register),
	    T(test_reset_register_absent),
	    T(test_hpet_table),
	    T(test_table_outside_memory),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
