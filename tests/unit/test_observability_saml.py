"""A SAML Grafana workspace: what [observability.grafana.saml] gives the module is exactly the module's `saml`
object (names and values), so the config's rules (OBS-019..023, tests/unit/test_config_rule_ids.py) and the
module's validations (modules/observability/tests) judge the same fields."""

from __future__ import annotations

import re

from llm_infra.layers import OBSERVABILITY
from llm_infra.paths import MODULES_DIR
from tests.support.hcl import load_hcl
from tests.unit.conftest import Loader

SAML = """
[observability.grafana]
authentication = ["SAML"]

[observability.grafana.saml]
idp_metadata_url = "https://idp.example.com/app/metadata"
role_assertion = "role"
admin_role_values = ["grafana-admin"]
editor_role_values = ["grafana-editor"]
allowed_organizations = ["ml-platform"]
org_assertion = "org"
login_validity_minutes = 480
"""


def module_saml_attributes() -> set[str]:
    variables = {
        name: body
        for block in load_hcl(MODULES_DIR / "observability" / "variables.tf")["variable"]
        for name, body in block.items()
    }
    kind = str(variables["grafana"]["type"])
    start = "saml = optional(object({"
    saml = kind[kind.index(start) + len(start) :]
    saml = saml[: saml.index("}))")]
    return set(re.findall(r"(\w+) = optional", saml))


def test_the_saml_table_becomes_the_module_saml_object(load: Loader) -> None:
    env = load(append="\n[observability]\n" + SAML)
    config = OBSERVABILITY.require(env)
    assert config.grafana.saml is not None
    given = config.grafana.saml.to_module()
    assert set(given) == module_saml_attributes()
    assert given["idp_metadata_url"] == "https://idp.example.com/app/metadata"
    assert given["idp_metadata_xml"] is None
    assert (given["admin_role_values"], given["editor_role_values"]) == (
        ["grafana-admin"],
        ["grafana-editor"],
    )
    assert (given["allowed_organizations"], given["org_assertion"]) == (["ml-platform"], "org")
    assert given["login_validity_duration"] == 480  # minutes, the provider's name


def test_aws_sso_needs_no_saml_table(load: Loader) -> None:
    config = OBSERVABILITY.require(load(append="\n[observability]\n"))
    assert config.grafana.authentication == ("AWS_SSO",) and config.grafana.saml is None
