"""The acknowledged-write probe (clients/README.md) with redis-py: Sentinel(...).master_for(...) in MODE=sentinel,
Redis.from_url in MODE=url."""
import json
import os
import sys
import time

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

READY_AFTER_ACKS = 50
MAX_ERRORS = 20

# socket_connect_timeout 1 s: a dead master's address must not hold a reconnect for long. socket_timeout 2 s: above
# WAIT's 1 s, so only a frozen server times a command out. Retry twice, 50 ms then 100 ms (capped at 200 ms): a
# connection error or timeout is retried on a fresh connection, and in sentinel mode a fresh connection asks Sentinel
# for the master again; on READONLY the Sentinel-managed connection disconnects and raises a ConnectionError, so
# that retry lands on the new master.
CONNECT_TIMEOUT_S = 1.0
COMMAND_TIMEOUT_S = 2.0


def retry() -> Retry:
    return Retry(ExponentialBackoff(cap=0.2, base=0.05), 2)


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} is not set")
    return value


def tls_kwargs() -> dict:
    """TLS_CA_FILE (the connection Secret's ca.crt): TLS to the sentinels and the data nodes, trusting only that CA
    and checking each server's name (the master's hostname Sentinel announces)."""
    ca_file = os.environ.get("TLS_CA_FILE", "")
    if not ca_file:
        return {}
    return {"ssl": True, "ssl_ca_certs": ca_file, "ssl_check_hostname": True, "ssl_cert_reqs": "required"}


def connect(mode: str) -> Redis:
    password = os.environ.get("PASSWORD") or None
    timeouts = {"socket_connect_timeout": CONNECT_TIMEOUT_S, "socket_timeout": COMMAND_TIMEOUT_S}
    tls = tls_kwargs()
    if mode == "sentinel":
        sentinels = [(h, int(p)) for h, p in (a.rsplit(":", 1) for a in env("SENTINELS").split(","))]
        # Sentinel queries get the same timeouts: an unreachable sentinel is skipped for the next one quickly.
        sentinel = Sentinel(
            sentinels,
            sentinel_kwargs={"username": "default", "password": password, **timeouts, **tls},
            # The user the password opens on the data nodes (the connection Secret's username).
            username=os.environ.get("REDIS_USERNAME") or "default",
            password=password,
            **timeouts,
            **tls,
        )
        return sentinel.master_for(env("MASTER_SET"), retry=retry(), **timeouts)
    if mode == "url":
        url = env("REDIS_URL")
        if tls and not url.startswith("rediss://"):
            sys.exit("TLS_CA_FILE is set but REDIS_URL is not rediss://")
        # rediss:// turns TLS on; the CA and the name check come from tls_kwargs.
        tls.pop("ssl", None)
        return Redis.from_url(url, retry=retry(), **timeouts, **tls)
    sys.exit(f"MODE must be sentinel or url, not {mode!r}")


def main() -> None:
    mode = env("MODE")
    prefix = env("PREFIX")
    duration_ms = int(env("DURATION_MS"))
    client = connect(mode)
    started = time.time()

    def since() -> int:
        return int((time.time() - started) * 1000)

    attempts = 0
    failed = 0
    errors = []
    acks = []

    def fail(n: int, message: str) -> None:
        nonlocal failed
        failed += 1
        if len(errors) < MAX_ERRORS:
            errors.append({"atMs": since(), "n": n, "message": message})

    n = 0
    while since() < duration_ms:
        n += 1
        attempts += 1
        sent_at = since()
        try:
            client.set(f"{prefix}:{n}", n)
            replicas = client.wait(1, 1000)
        except Exception as e:  # every client error is a failed write; the loop goes on
            fail(n, f"{type(e).__name__}: {e}")
            time.sleep(0.05)
            continue
        if replicas < 1:
            fail(n, f"WAIT reached {replicas} replicas")
            continue
        acks.append([n, sent_at, since()])
        if len(acks) == READY_AFTER_ACKS:
            print("READY", flush=True)

    result = {
        "client": "redis-py",
        "mode": mode,
        "startedAt": int(started * 1000),
        "attempts": attempts,
        "failed": failed,
        "errors": errors,
        "acks": acks,
    }
    print("RESULT " + json.dumps(result, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
