.PHONY: chromium

# The browser tests drive Debian's Chromium through playwright (which cannot download its own).
chromium: ## Install Chromium for the browser tests when /usr/bin/chromium is missing (needs root)
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "chromium: /usr/bin/chromium missing; run 'sudo apt-get install -y chromium' (needs root)"; \
		exit 1; \
	fi; \
	apt-get update -qq && apt-get install -y -qq chromium
