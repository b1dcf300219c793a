# Mutation testing of the MMU core. Included by the top-level Makefile.
#
#   make mutants [MUTANTS=id,id] [MUTANTS_SKIP=test,test] [MUTANT_RUNS=n]
#       every mutant of tests/mutants.txt (or the ones named) through the
#       MMU host tests, cheapest first; a table of which test caught each
#       mistake and how (tools/mutants; about 10 minutes on two cores, so
#       not part of make test). MUTANTS_SKIP leaves tests out (mmu_race,
#       say, while it is broken); MUTANT_RUNS=n runs each stress and race
#       program up to n times, for the races a single run may miss.
#
# make test only checks that every mutant still applies to the source.

MUTANTS_FLAGS = $(if $(MUTANTS),--only $(MUTANTS)) \
	$(if $(MUTANTS_SKIP),--skip $(MUTANTS_SKIP)) \
	$(if $(MUTANT_RUNS),--runs $(MUTANT_RUNS))

.PHONY: mutants
mutants: $(DEPS_STAMP)
	tools/mutants --scratch $(BUILD)/mutants $(strip $(MUTANTS_FLAGS))

# Every original text of tests/mutants.txt occurs exactly once in its file:
# a change to the MMU core that moves one fails here, not silently later.
HOST_CHECKS += mutants-list
HOST_CHECK_CMD_mutants-list := tools/mutants --check
