#!/bin/bash
# The apache/kafka image's script of this name, which the compose healthcheck calls.
exec java -Xmx128m -Dlog4j2.configurationFile=/opt/kafka/docker/log4j2.yaml \
    -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
