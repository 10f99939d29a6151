# cultuur -- PGXS build.
#
# `make demo` and `make test` work on a bare Debian machine: they first run
# tools/deps.sh, which installs PostgreSQL 15 and the build and test tools
# with apt-get when they are missing.  Until then pg_config does not exist,
# so this Makefile only includes PGXS when it can find it.

EXTENSION   = cultuur
MODULE_big  = cultuur
OBJS        = src/module.o src/numeric_util.o src/tiers_io.o src/tiers_math.o \
              src/prorata.o src/indexation.o src/dates.o src/txn.o \
              src/numeric_fast.o src/pseudonym.o
# The version is written once, in cultuur.control (default_version): the
# sources in sql/install/ build its install script.  A released version's
# install script (sql/cultuur--0.1.sql) and the upgrade scripts
# (sql/cultuur--0.1--0.2.sql) are committed files, installed as they are and
# never edited: every change to an object of the extension goes into the
# upgrade script to the version in development, in the same commit
# (test/upgrade.sh compares the upgraded extension with a fresh install).
# The sources are here, or, in an out-of-tree build (pg_buildext build runs
# make -C build-15 -f ../Makefile VPATH=..), in $(VPATH): the objects and
# the built install script go to the build directory.
top        := $(if $(VPATH),$(VPATH),.)
EXTVERSION := $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(top)/cultuur.control)
DATA_built  = sql/cultuur--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),\
                $(patsubst $(top)/%,%,$(wildcard $(top)/sql/cultuur--*.sql)))
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter \
              -Wno-missing-field-initializers -Wmissing-prototypes
# the same build from any directory gives the same cultuur.so (so that
# tools/ensure-installed.sh can tell an installed build from this one)
PG_CFLAGS  += -ffile-prefix-map=$(CURDIR)=.

# pg_regress suites: every sql/NAME.sql with expected/NAME.out, "install"
# first (it creates the extension the others use).  The install script
# sql/cultuur--*.sql is not a test.
TESTS        = $(sort $(filter-out install cultuur--%,\
                 $(basename $(notdir $(wildcard $(top)/sql/*.sql)))))
REGRESS      = install $(TESTS)
REGRESS_OPTS = --inputdir=. --encoding=UTF8
# isolation specs: test/isolation/specs/NAME.spec, expected/NAME.out
ISOLATION      = $(sort $(basename $(notdir $(wildcard $(top)/test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation

EXTRA_CLEAN = results regression.diffs regression.out output_iso \
              test/pgtap/*.log

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# Bootstrap mode: no PostgreSQL 15 server headers yet.
all install installcheck:
	@echo "PostgreSQL 15 development files are missing; run 'make deps' (or 'make demo' / 'make test')." >&2
	@exit 1
endif

INSTALL_PARTS = $(sort $(wildcard $(top)/sql/install/*.sql))

$(DATA_built): $(INSTALL_PARTS) $(top)/cultuur.control
	@mkdir -p sql
	cat $(INSTALL_PARTS) > $@

# an out-of-tree build makes its own src/ for the objects
$(OBJS): | build-dirs
.PHONY: build-dirs
build-dirs:
	@mkdir -p src

.PHONY: deps demo test bench psql dist check-meta deb-test

deps:
	@sh tools/deps.sh

# The recursive $(MAKE) re-reads this Makefile after deps installed PGXS.
demo: deps
	$(MAKE) all
	@sh tools/ensure-installed.sh
	sh tools/with-cluster.sh sh demo/run.sh

# psql on a throwaway cluster with the Antwerp scenario loaded, removed on exit
psql: deps
	$(MAKE) all
	@sh tools/ensure-installed.sh
	@sh tools/with-cluster.sh sh tools/psql-demo.sh

test: deps
	$(MAKE) all
	@sh tools/ensure-installed.sh
	@sh tools/test.sh

bench: deps
	$(MAKE) all
	@sh tools/ensure-installed.sh
	sh tools/with-cluster.sh sh bench/run.sh

# packaging (doc/install.md): the PGXN zip, a check of META.json, and the
# Debian package built and tried in a bare bookworm chroot (slow, as root)
dist:
	sh tools/dist.sh
check-meta:
	sh tools/check-meta.sh
deb-test:
	sh tools/deb-test.sh
