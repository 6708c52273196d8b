# Beyond one machine: Kubernetes manifests (deploy/kubernetes/), the Grafana dashboard
# (deploy/grafana/), and the tools the multi-host tests need (network namespaces).
.PHONY: k8s-configmap netns-tools

k8s-configmap: ## Regenerate deploy/kubernetes/scenarios-configmap.yaml from scenarios.yaml
	python3 deploy/kubernetes/scenarios_configmap.py scenarios.yaml > deploy/kubernetes/scenarios-configmap.yaml

# The multi-host tests build hosts with `ip netns` and `tc` (iproute2); they run as root.
netns-tools: ## Install iproute2 (ip, tc) for the network-namespace tests when missing (needs root)
	@if command -v ip >/dev/null && command -v tc >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "netns-tools: ip/tc missing; run 'sudo apt-get install -y iproute2' (needs root)"; \
		exit 1; \
	fi; \
	apt-get update -qq && apt-get install -y -qq iproute2

# A worker on this machine for a master elsewhere: make worker MASTER=10.0.0.5[:5557]
.PHONY: worker
MASTER ?=
worker: $(STAMP) ## One Locust worker for the master at MASTER=HOST[:PORT] (same checkout on both machines)
	@if [ -z "$(MASTER)" ]; then echo "worker: set MASTER=HOST[:PORT], e.g. make worker MASTER=10.0.0.5"; exit 2; fi
	$(VENV)/bin/stairload worker --master $(MASTER)
