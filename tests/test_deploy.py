"""The deployment files agree with the app: probe paths, settings names and values, labels, mounts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from support import CATALOG_DIR, ROOT

from app.api.app import create_app
from app.settings import Settings

DEPLOY = ROOT / "deploy"


def _documents() -> dict[str, dict]:
    found = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document and "kind" in document and document["kind"] != "Kustomization":
                found[document["kind"]] = document
    return found


K8S = _documents()
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
POD = K8S["Deployment"]["spec"]["template"]
CONTAINER = POD["spec"]["containers"][0]


def _settings_from(env: dict[str, str]) -> Settings:
    """The settings a container would get (its catalogue path replaced by the bundled one)."""
    values = {name.removeprefix("ERRDIAG_").lower(): value for name, value in env.items()}
    values["catalog_dir"] = str(CATALOG_DIR)
    values["api_keys"] = "k" * 32  # keys come from a secret, or the operator's environment
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_every_variable_is_a_setting_with_a_valid_value() -> None:
    known = {f"ERRDIAG_{name.upper()}" for name in Settings.model_fields}
    k8s_env = {e["name"]: e.get("value") for e in CONTAINER["env"]}
    compose_env = {k: re.sub(r"\$\{[A-Z_]+:-(.*)\}", r"\1", v) for k, v in COMPOSE["services"]["errdiag"]["environment"].items()}
    for env in (k8s_env, compose_env):
        assert set(env) <= known
        _settings_from({k: v for k, v in env.items() if v is not None and v != ""})


def test_probes_are_routes_of_the_app() -> None:
    paths = set(create_app(Settings(_env_file=None, catalog_dir=CATALOG_DIR)).openapi()["paths"])  # type: ignore[call-arg]
    probes = {CONTAINER[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe", "startupProbe")}
    assert probes == {"/healthz", "/readyz"} and probes <= paths
    assert CONTAINER["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert CONTAINER["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_catalogue_configmap_is_mounted_where_the_setting_points() -> None:
    catalog_dir = next(e["value"] for e in CONTAINER["env"] if e["name"] == "ERRDIAG_CATALOG_DIR")
    [mount] = [m for m in CONTAINER["volumeMounts"] if m["mountPath"] == catalog_dir]
    [volume] = [v for v in POD["spec"]["volumes"] if v["name"] == mount["name"]]
    assert volume["configMap"]["name"] == "errdiag-catalog" and "subPath" not in mount  # subPath would never update
    compose = COMPOSE["services"]["errdiag"]
    assert any(v.endswith(f":{compose['environment']['ERRDIAG_CATALOG_DIR']}:ro") for v in compose["volumes"])


def test_labels_selectors_and_targets_agree() -> None:
    labels = POD["metadata"]["labels"]
    for kind in ("Service", "PodDisruptionBudget"):
        selector = K8S[kind]["spec"]["selector"]
        assert (selector.get("matchLabels") or selector).items() <= labels.items()
    assert K8S["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == K8S["Deployment"]["metadata"]["name"]
    assert "replicas" not in K8S["Deployment"]["spec"]  # the HPA owns it
    assert K8S["HorizontalPodAutoscaler"]["spec"]["minReplicas"] > K8S["PodDisruptionBudget"]["spec"]["minAvailable"]


def test_container_is_bounded_and_locked_down() -> None:
    assert {"cpu", "memory"} <= set(CONTAINER["resources"]["requests"]) and "memory" in CONTAINER["resources"]["limits"]
    assert CONTAINER["securityContext"]["readOnlyRootFilesystem"] and not CONTAINER["securityContext"]["allowPrivilegeEscalation"]
    assert POD["spec"]["enableServiceLinks"] is False  # a Service named errdiag would inject ERRDIAG_SERVICE_* variables
    assert CONTAINER["command"][:2] == ["uvicorn", "app.api.main:app"] and "1" == CONTAINER["command"][CONTAINER["command"].index("--workers") + 1]


def test_proxy_reaches_the_replicas_port() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    port = COMPOSE["services"]["errdiag"]["expose"][0]
    assert f"server errdiag:{port} resolve;" in nginx
    assert COMPOSE["services"]["errdiag"]["command"][:2] == ["uvicorn", "app.api.main:app"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomization_builds() -> None:
    built = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s")], capture_output=True, text=True, timeout=60, check=True)
    kinds = [d["kind"] for d in yaml.safe_load_all(built.stdout) if d]
    assert sorted(kinds) == ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]


def test_catalogue_files_fit_a_configmap() -> None:
    size = sum(p.stat().st_size for p in Path(CATALOG_DIR).glob("*.yaml"))
    assert size < 1_000_000  # ConfigMaps hold at most 1 MiB; past that, bake the catalogue into the image


def test_every_deploy_command_serves_the_no_delay_protocol() -> None:
    from app.api.protocol import PROTOCOL_PATH

    cmd = json.loads(next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))[4:])
    for command in (cmd, CONTAINER["command"], COMPOSE["services"]["errdiag"]["command"]):
        assert command[command.index("--http") + 1] == PROTOCOL_PATH, command
