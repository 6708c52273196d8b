# The local Auto Scaling group (scaleout/), its load balancer and the JVM example instance.
.PHONY: haproxy jvm-target jvm-coldstart aws-template aws-lambda-zip scaleout scaleout-experiment

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

LAMBDA_ZIP := runs/aws/alarms-lambda.zip

aws-template: $(STAMP) ## Write runs/aws/scaleout.yaml: CloudFormation for the same group (ALB, ASG, alarms, SNS, Slack Lambda)
	@mkdir -p runs/aws
	$(VENV)/bin/stairload scaleout aws-template --output runs/aws/scaleout.yaml

aws-lambda-zip: ## Package the SNS-to-Slack Lambda (stairload/; its handler imports the standard library only) as runs/aws/alarms-lambda.zip
	@command -v zip >/dev/null || (apt-get update -qq && apt-get install -y -qq zip)
	@mkdir -p runs/aws && rm -f $(LAMBDA_ZIP)
	zip -q -r $(LAMBDA_ZIP) stairload -i '*.py'
	@echo "built $(LAMBDA_ZIP): upload it to S3, then pass LambdaCodeBucket/LambdaCodeKey"

jvm-coldstart: $(STAMP) jvm-target ## Measure the JVM example's latency per 1,000 of its first 20,000 requests
	$(VENV)/bin/stairload scaleout coldstart --requests 20000 --batch 1000

# make scaleout SCENARIO=scenario2 [WARMUP=0|N] [INSTANCE_CMD='... {port} ...'] [TIME_SCALE=0.1]
# [WORKERS=2] [TARGET_CPU=70] [SCALEOUT_ARGS='--kill-after 60']
SCENARIO ?= scenario2
WARMUP ?=
INSTANCE_CMD ?=
TARGET_CPU ?=
SCALEOUT_ARGS ?=
_SCALEOUT_OPTIONS = $(if $(WARMUP),--warmup $(WARMUP)) $(if $(TARGET_CPU),--target-cpu $(TARGET_CPU)) \
	$(SCALEOUT_ARGS) --workers $(WORKERS) --time-scale $(TIME_SCALE) --users-scale $(USERS_SCALE) \
	$(if $(RUN_DIR),--run-dir $(RUN_DIR))
JVM_INSTANCE_CMD := java -jar $(JVM_JAR) --port {port} --users {users}

scaleout: $(STAMP) haproxy ## Stair run through HAProxy in front of an autoscaling group (SCENARIO, WARMUP, INSTANCE_CMD, TARGET_CPU)
	$(VENV)/bin/stairload scaleout run $(SCENARIO) $(_SCALEOUT_OPTIONS) \
		$(if $(INSTANCE_CMD),--instance-cmd '$(INSTANCE_CMD)')

scaleout-experiment: $(STAMP) haproxy jvm-target ## The story's experiment: JVM instances at warm-up 0, 1,500, 10,000; one table
	$(VENV)/bin/stairload scaleout experiment --warmups 0,1500,10000 $(SCENARIO) $(_SCALEOUT_OPTIONS) \
		--balance 'hdr(Authorization)' --instance-cmd '$(JVM_INSTANCE_CMD)'
