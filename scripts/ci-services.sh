#!/usr/bin/env bash
# Starts the local services the integration tests use, if they are down.
# Each is started with the machine's own command; nothing is stopped here.
set -euo pipefail

up() { # up HOST PORT: is something listening?
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_up() { # wait_up NAME PORT SECONDS
	for _ in $(seq 1 "$3"); do
		up 127.0.0.1 "$2" && return 0
		sleep 1
	done
	echo "$1 did not come up on port $2" >&2
	return 1
}

if ! up 127.0.0.1 5432; then
	echo "starting PostgreSQL"
	pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
	wait_up postgres 5432 30
fi
if ! up 127.0.0.1 3306; then
	echo "starting MariaDB"
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
	wait_up mariadb 3306 30
fi
if ! up 127.0.0.1 6379; then
	echo "starting Redis"
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	wait_up redis 6379 15
fi
if ! up 127.0.0.1 5672; then
	echo "starting RabbitMQ"
	rabbitmq-server -detached
	wait_up rabbitmq 5672 60
fi
if ! up 127.0.0.1 4222; then
	echo "starting NATS"
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
	wait_up nats 4222 15
fi
if ! up 127.0.0.1 11211; then
	echo "starting memcached"
	memcached -d -u nobody -l 127.0.0.1 -p 11211 -m 64
	wait_up memcached 11211 15
fi
