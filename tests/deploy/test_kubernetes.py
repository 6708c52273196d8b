"""The Kubernetes manifests validate against the API schemas and fit together."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from stairload.run.arguments import build_parser
from stairload.run.remote_worker import build_parser as worker_parser

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
MANIFESTS = sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
# The oldest Kubernetes minor still in common support, and the newest the validator knows.
VERSIONS = ("1.29.0", kubernetes_validate.latest_version())


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((K8S / name).read_text(encoding="utf-8"))


def _pod_spec(name: str) -> dict[str, Any]:
    return _load(name)["spec"]["template"]["spec"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_manifest_validates_strictly(path: Path, version: str) -> None:
    """Each manifest is a valid resource, with no unknown field, for old and new clusters."""
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        kubernetes_validate.validate(document, version, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    """A replica count that is not a number fails validation (the check above can fail)."""
    deployment = _load("worker-deployment.yaml")
    deployment["spec"]["replicas"] = "four"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)


def test_kustomization_applies_every_manifest_but_the_reader() -> None:
    """`kubectl apply -k` creates everything a run needs; the runs reader is applied by hand."""
    listed = set(_load("kustomization.yaml")["resources"])
    assert listed == {path.name for path in MANIFESTS} - {"runs-reader.yaml"}


def test_the_scenarios_configmap_is_the_repos_scenarios_file() -> None:
    """The ConfigMap holds scenarios.yaml verbatim (regenerate: make k8s-configmap)."""
    data = _load("scenarios-configmap.yaml")["data"]
    scenarios = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    assert data["scenarios.yaml"] == scenarios, "scenarios.yaml changed: run make k8s-configmap"


def test_the_configmap_generator_keeps_blank_lines_and_indentation() -> None:
    """A file with blank and nested lines survives the round trip through YAML."""
    sys.path.insert(0, str(K8S))
    try:
        from scenarios_configmap import configmap
    finally:
        sys.path.remove(str(K8S))
    text = "a:\n  b: 1\n\n  c: [x, y]   # note\n"
    assert yaml.safe_load(configmap(text))["data"]["scenarios.yaml"] == text


def test_the_service_selects_the_master_pod() -> None:
    """The master Service's selector matches the master Job's pod labels, not the workers'."""
    selector = _load("master-service.yaml")["spec"]["selector"]
    master = _load("master-job.yaml")["spec"]["template"]["metadata"]["labels"]
    worker = _load("worker-deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= master.items()
    assert not selector.items() <= worker.items()


def test_workers_dial_the_service_on_the_masters_port() -> None:
    """The workers' master host and port are the Service's name and its locust port."""
    service = _load("master-service.yaml")
    port = next(p["port"] for p in service["spec"]["ports"] if p["name"] == "locust")
    container_ports = _pod_spec("master-job.yaml")["containers"][0]["ports"]
    command = " ".join(_pod_spec("worker-deployment.yaml")["containers"][0]["args"])
    assert f"--master {service['metadata']['name']}:{port}" in command
    assert {"name": "locust", "containerPort": port} in container_ports


def test_the_master_waits_for_as_many_workers_as_the_deployment_runs() -> None:
    """WORKERS in the settings equals the worker Deployment's replicas."""
    workers = int(_load("settings.yaml")["data"]["WORKERS"])
    assert workers == _load("worker-deployment.yaml")["spec"]["replicas"]


def test_every_referenced_configmap_and_claim_is_defined() -> None:
    """Pods only mount ConfigMaps and volume claims that the manifests create."""
    defined = {(doc["kind"], doc["metadata"]["name"]) for doc in map(_load, _names())}
    pods = [_pod_spec("master-job.yaml"), _pod_spec("worker-deployment.yaml")]
    pods.append(_load("runs-reader.yaml")["spec"])
    for pod in pods:
        for volume in pod["volumes"]:
            if "configMap" in volume:
                assert ("ConfigMap", volume["configMap"]["name"]) in defined
            if "persistentVolumeClaim" in volume:
                claim = volume["persistentVolumeClaim"]["claimName"]
                assert ("PersistentVolumeClaim", claim) in defined
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                assert ("ConfigMap", source["configMapRef"]["name"]) in defined


def test_the_master_is_run_once_and_never_retried() -> None:
    """A failed or FAIL run is a result, not something to retry: backoffLimit 0, Never restart."""
    job = _load("master-job.yaml")
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_every_pod_runs_the_kustomized_image() -> None:
    """All containers use the image name the kustomization rewrites to your registry."""
    image = _load("kustomization.yaml")["images"][0]["name"]
    pods = [_pod_spec("master-job.yaml"), _pod_spec("worker-deployment.yaml")]
    pods.append(_load("runs-reader.yaml")["spec"])
    for pod in pods:
        assert all(c["image"].split(":")[0] == image for c in pod["containers"])


def _names() -> list[str]:
    return [path.name for path in MANIFESTS]


def _shell_words(script: str, env: dict[str, str]) -> list[str]:
    """The words of an ``exec ...`` line after ``sh`` expands ``env`` (no other expansion)."""
    for name, value in env.items():
        script = script.replace(f'"${name}"', shlex.quote(value)).replace(f"${name}", value)
    words = shlex.split(script)
    assert words[:2] == ["exec", "stairload"]
    return words[2:]


def test_the_pods_commands_are_valid_stairload_commands() -> None:
    """The master's and the workers' command lines parse with their commands' own parsers."""
    env = dict(_load("settings.yaml")["data"])
    master = _shell_words(_pod_spec("master-job.yaml")["containers"][0]["args"][0], env)
    assert master[0] == "run"
    args = build_parser().parse_args(master[1:])
    assert (args.scenario, args.expect_workers, args.master_bind_host) == (
        env["SCENARIO"],
        int(env["WORKERS"]),
        "0.0.0.0",
    )
    service_ports = {p["name"]: p["port"] for p in _load("master-service.yaml")["spec"]["ports"]}
    assert args.metrics_port == service_ports["metrics"]
    assert args.master_port == service_ports["locust"]
    worker = _shell_words(_pod_spec("worker-deployment.yaml")["containers"][0]["args"][0], env)
    assert worker[0] == "worker"
    assert worker_parser().parse_args(worker[1:]).master == "stairload-master:5557"
