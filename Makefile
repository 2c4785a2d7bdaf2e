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
# promtool and amtool: Debian bookworm's prometheus / prometheus-alertmanager packages, pinned, unpacked into
# $(TOOLS_DIR) with dpkg-deb (no system-wide install, no services): tests check the generated AMP rule groups and
# alert manager definition with them. `apt-get update` runs only when the pinned version is not in the lists.
TOOLS_DIR          := .tools
PROMETHEUS_DEB     := prometheus=2.42.0+ds-5+deb12u1
ALERTMANAGER_DEB   := prometheus-alertmanager=0.25.0-1+b4
TOOLS_STAMP        := $(TOOLS_DIR)/.installed-$(subst =,-,$(PROMETHEUS_DEB))-$(subst =,-,$(ALERTMANAGER_DEB))
PROMTOOL           := $(TOOLS_DIR)/root/usr/bin/promtool
AMTOOL             := $(TOOLS_DIR)/root/usr/bin/amtool
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

.PHONY: synth test unit lint fmt bench clean lock tools readme-dashboards docs

synth: $(VENV)/.installed
	$(PY) main.py

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

test: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(CDKTF_VENV)/.installed $(TOOLS_STAMP) lint
	LLM_INFRA_CHECKOV=$(CHECKOV_VENV)/bin/checkov LLM_INFRA_CDKTF_PYTHON=$(CDKTF_VENV)/bin/python \
	  LLM_INFRA_PROMTOOL=$(CURDIR)/$(PROMTOOL) LLM_INFRA_AMTOOL=$(CURDIR)/$(AMTOOL) $(PY) -m pytest $(PYTEST_XDIST)

tools: $(TOOLS_STAMP)

$(TOOLS_STAMP):
	rm -rf $(TOOLS_DIR) && mkdir -p $(TOOLS_DIR)/debs
	cd $(TOOLS_DIR)/debs && { apt-get download -q $(PROMETHEUS_DEB) $(ALERTMANAGER_DEB) \
	  || { apt-get update -qq && apt-get download -q $(PROMETHEUS_DEB) $(ALERTMANAGER_DEB); }; }
	for deb in $(TOOLS_DIR)/debs/*.deb; do dpkg-deb -x "$$deb" $(TOOLS_DIR)/root; done
	rm -rf $(TOOLS_DIR)/debs
	$(PROMTOOL) --version >/dev/null && $(AMTOOL) --version >/dev/null
	touch $@

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit tests/synth

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@if command -v terraform >/dev/null; then terraform fmt -check -recursive modules policies tests; \
	else echo "terraform fmt skipped: terraform is not on PATH"; fi

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	terraform fmt -recursive modules

readme-dashboards: $(VENV)/.installed
	$(PY) -m llm_infra.layers.observability.readme --write

# Module READMEs: version, requirements, resources, inputs, outputs and usage examples from the HCL (python-hcl2);
# tests/unit/test_module_docs.py fails when one is stale.
docs: $(VENV)/.installed
	$(PY) -m llm_infra.module_docs --write

bench: $(VENV)/.installed
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

$(CDKTF_VENV)/.installed: Makefile
	test -x $(CDKTF_VENV)/bin/python || $(PYTHON) -m venv $(CDKTF_VENV)
	$(CDKTF_VENV)/bin/pip install --quiet $(CDKTF_PINS)
	touch $@

clean:
	rm -rf cdktf.out .pytest_cache .mypy_cache .ruff_cache
