#!/bin/sh
# Starts a cluster node for the compose deployment. The passwords are read from the Docker secret files by
# the node itself (requirepass-file, masterauth-file) or hashed into the ACL user lines (acl-users), so none
# is in an argument, a variable or an image layer. Extra arguments are appended as directives.
set -eu
secrets=${RCS_SECRETS_DIR:-/run/secrets}
secret=${REDIS_PASSWORD_FILE:-$secrets/redis_password}
config=
# The least-privilege users (README, Security): app, exporter, healthcheck, replication, each from its own
# secret; the default user is the admin. A deployment made before these secrets existed runs as before.
if [ -f "$secrets/app_password" ]; then
  config=/tmp/acl-users.conf
  /usr/local/bin/acl-users "$secrets" "$config"
  set -- --masteruser replication --masterauth-file "$secrets/replication_password" "$@"
else
  set -- --masterauth-file "$secret" "$@"
fi
# The cluster bus secret (Docker secret cluster_bus_secret): with it, every bus link is authenticated.
bus_secret=${CLUSTER_BUS_SECRET_FILE:-$secrets/cluster_bus_secret}
if [ -f "$bus_secret" ]; then
  set -- --cluster-bus-secret-file "$bus_secret" --cluster-bus-auth required "$@"
fi
exec redis-cluster-node $config --port 6379 --bind 0.0.0.0 --protected-mode no --dir /data \
  --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "${RCS_NODE_TIMEOUT:-5000}" \
  --appendonly yes --save "" --requirepass-file "$secret" "$@"
