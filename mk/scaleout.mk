# The local Auto Scaling group (scaleout/), its load balancer and the JVM example instance.
.PHONY: haproxy jvm-target jvm-coldstart

JVM_BUILD := runs/trip-jvm
JVM_JAR := $(JVM_BUILD)/trip-jvm.jar

haproxy: ## Install HAProxy (the scale-out load balancer) when it is missing (needs root)
	@if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "haproxy: missing; run 'sudo apt-get install -y haproxy' (needs root)"; exit 1; \
	fi; \
	apt-get update -qq && apt-get install -y -qq haproxy

jvm-target: ## Build the JVM example service to runs/trip-jvm/trip-jvm.jar (installs the JDK if javac is missing)
	@if ! command -v javac >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "jvm-target: javac missing; run 'sudo apt-get install -y openjdk-17-jdk-headless'"; exit 1; \
		fi; \
		apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless; \
	fi
	rm -rf $(JVM_BUILD)/classes && mkdir -p $(JVM_BUILD)/classes
	javac --release 17 -Xlint:all -Werror -d $(JVM_BUILD)/classes examples/trip-jvm/src/trip/*.java
	jar --create --file $(JVM_JAR) --main-class trip.TripServer -C $(JVM_BUILD)/classes .
	@echo "built $(JVM_JAR): java -jar $(JVM_JAR) --port 8080"
