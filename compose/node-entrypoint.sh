#!/bin/sh
# Starts a cluster node for the compose deployment. The password is read by the node itself from the
# Docker secret file (requirepass-file / masterauth-file), so it is in no argument, variable or layer.
# Extra arguments are appended as directives (e.g. --loglevel verbose).
set -eu
secret=${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
# The cluster bus secret (Docker secret cluster_bus_secret): with it, every bus link is authenticated.
bus_secret=${CLUSTER_BUS_SECRET_FILE:-/run/secrets/cluster_bus_secret}
if [ -f "$bus_secret" ]; then
  set -- --cluster-bus-secret-file "$bus_secret" --cluster-bus-auth required "$@"
fi
exec redis-cluster-node --port 6379 --bind 0.0.0.0 --protected-mode no --dir /data \
  --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "${RCS_NODE_TIMEOUT:-5000}" \
  --appendonly yes --save "" --requirepass-file "$secret" --masterauth-file "$secret" "$@"
