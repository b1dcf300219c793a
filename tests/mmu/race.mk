# Race amplifiers of the MMU core (tests/mmu/race.c): the core built with
# -DTDP_RACE_HOOKS, so that each race point of mm/tdp_race.h calls into
# the test, plain and under ThreadSanitizer. Included by tests/mmu/mmu.mk.

MMU_RACE_CFLAGS := $(MMU_HOST_CFLAGS) -DTDP_RACE_HOOKS

$(MMU_BIN)/mmu_race: tests/mmu/race.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_RACE_CFLAGS) -O2 tests/mmu/race.c $(MMU_HOST_SRCS) \
		-o $@ -lpthread

$(MMU_BIN)/mmu_race_tsan: tests/mmu/race.c $(MMU_HOST_SRCS) $(MMU_HOST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MMU_RACE_CFLAGS) -O1 -fsanitize=thread tests/mmu/race.c \
		$(MMU_HOST_SRCS) -o $@ -lpthread

# Each test runs a second on EPT and on NPT (longer, up to 20 times,
# until each of its windows was hit) and fails if a promise breaks or a
# window stays unhit; the sanitizer build also fails on any report.
# `mmu_race -f ept-no-ad` runs them on EPT without accessed/dirty flags.
HOST_CHECKS += mmu_race mmu_race_tsan
HOST_CHECK_CMD_mmu_race := $(MMU_BIN)/mmu_race -d 1000
HOST_CHECK_CMD_mmu_race_tsan := export \
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 && \
	$(MMU_BIN)/mmu_race_tsan -d 600
HOST_CHECK_DEPS += $(MMU_BIN)/mmu_race $(MMU_BIN)/mmu_race_tsan
