"""``runlens sync``: sends the spools that earlier processes left (a crash, Kafka unreachable
until they exited), oldest first and each in its write order, deleting every segment Kafka
acknowledged; a spool whose process still lives (its lock is held) is left to that process.

Where to: ``--gateway-url`` (RUNLENS_GATEWAY_URL) with ``--token`` (RUNLENS_TOKEN) sends every
spool through the HTTP gateway, one request at a time; ``--brokers`` every spool to Kafka; else
each spool where its meta.json says it was headed: its gateway (with the token of ``--token`` or
RUNLENS_TOKEN: a spool never holds it), or Kafka (RUNLENS_KAFKA_BROKERS, else its brokers).

Exit status: 0 when everything found was sent (or nothing was found), 1 when Kafka (or the
gateway) refused or did not acknowledge part of it (what was not acknowledged stays for the next
sync), 2 when Kafka or the gateway is unreachable (what was not acknowledged stays). This module
only reads spools and sends: the messages go out byte for byte as spooled, so their identity
makes a re-send harmless.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from confluent_kafka import KafkaException, Producer

from .delivery import producer_config
from .encoding import EventEncoder
from .gateway import GatewayConnection
from .spool import LeftSpool, default_root, left_spools, read_segment, run_label


class Unreachable(RuntimeError):
    pass


def _producer(brokers: str, timeout_s: float) -> Producer:
    producer = Producer(producer_config(brokers, message_timeout_ms=int(timeout_s * 1000)))
    try:
        producer.list_topics(timeout=min(timeout_s, 15.0))
    except KafkaException as err:
        raise Unreachable(f"Kafka at {brokers} is unreachable ({err.args[0].str() if err.args else err})") from err
    return producer


# Sends one segment's messages in order: None when all were acknowledged, else why not.
Deliver = Callable[[List[bytes]], Optional[str]]


def kafka_segment(producer: Producer, topic: str, key: bytes, timeout_s: float) -> Deliver:
    def deliver(values: List[bytes]) -> Optional[str]:
        failures: List[str] = []

        def delivered(err: Any, _msg: Any) -> None:
            if err is not None:
                failures.append(err.str())

        for value in values:
            while True:
                try:
                    producer.produce(topic, value=value, key=key, on_delivery=delivered)
                    break
                except BufferError:
                    producer.poll(0.1)
        left = producer.flush(timeout_s)
        if left or failures:
            return failures[0] if failures else f"{left} not acknowledged within {timeout_s:.0f} s"
        return None

    return deliver


def gateway_segment(conn: GatewayConnection) -> Deliver:
    def deliver(values: List[bytes]) -> Optional[str]:
        for value in values:
            failure = conn.post(value)
            if failure is not None and failure.retriable:
                raise Unreachable(f"the gateway at {conn.url} did not take the spool ({failure.message})")
            if failure is not None:
                return failure.message
        return None

    return deliver


def send_spool(spool: LeftSpool, producer: Optional[Producer], timeout_s: float, out: Any = None, deliver: Optional[Deliver] = None, target: str = "") -> bool:
    """Sends one locked spool, segment by segment (to Kafka through ``producer``, or through
    ``deliver``); returns True when all of it was acknowledged (its directory is then deleted)."""
    out = out or sys.stdout
    topic, key = spool.meta["topic"], str(spool.meta["key"]).encode("utf-8")
    if deliver is None:
        assert producer is not None
        deliver, target = kafka_segment(producer, topic, key, timeout_s), "Kafka"
    encoder = EventEncoder()
    sent = 0
    kinds: Dict[str, int] = {}
    points = 0
    for path in spool.segments():
        values, torn = read_segment(path)
        if torn:
            print(f"  {path.name}: {torn} byte(s) of a write cut short by a crash are skipped", file=out)
        why = deliver(values)
        if why is not None:
            print(f"  {run_label(spool)}: {target} did not take {path.name} ({why}); it stays in {spool.dir}", file=out)
            return False
        path.unlink()
        sent += len(values)
        for value in values:
            try:
                event_type, event = encoder.decode(value)
            except ValueError:
                event_type, event = "other", {}
            kinds[event_type] = kinds.get(event_type, 0) + 1
            points += len(event.get("steps", ())) if event_type == "MetricBatch" else 0
    spool.remove()
    what = ", ".join(f"{n} {t}" for t, n in sorted(kinds.items()))
    print(f"sent {sent} event(s) of run {run_label(spool)} ({what}; {points} points) from producer {spool.meta.get('producerId')} to {target if target != 'Kafka' else topic}", file=out)
    return True


def sync(root: Path, brokers: Optional[str], timeout_s: float, out: Any = None, gateway_url: Optional[str] = None, token: Optional[str] = None, default_brokers: Optional[str] = None) -> int:
    """``brokers`` sends every spool to Kafka; ``default_brokers`` only those written for Kafka."""
    out = out or sys.stdout
    spools = list(left_spools(root))
    if not spools:
        print(f"nothing to send: no spool under {root}", file=out)
        return 0
    producers: Dict[str, Producer] = {}
    gateways: Dict[str, GatewayConnection] = {}
    status = 0
    try:
        for spool in spools:
            if not spool.lock():
                print(f"skipped run {run_label(spool)}: its process (pid {spool.holder()}) is alive and sends it itself", file=out)
                continue
            try:
                url = gateway_url or (None if brokers else spool.meta.get("gateway"))
                if url:
                    if not token:
                        print(f"  {run_label(spool)}: its spool is for the gateway at {url}: give its token (--token or RUNLENS_TOKEN); it stays in {spool.dir}", file=out)
                        status = 1
                        continue
                    if url not in gateways:
                        gateways[url] = GatewayConnection(url, token, timeout_s)
                    sent = send_spool(spool, None, timeout_s, out, gateway_segment(gateways[url]), f"the gateway at {url}")
                else:
                    target = brokers or default_brokers or spool.meta.get("brokers") or "127.0.0.1:9092"
                    if target not in producers:
                        producers[target] = _producer(target, timeout_s)
                    sent = send_spool(spool, producers[target], timeout_s, out)
                if not sent:
                    status = 1
            finally:
                spool.release()
    except Unreachable as err:
        print(f"runlens sync: {err}; the spool under {root} is kept, run `runlens sync` again once it is back", file=sys.stderr)
        return 2
    finally:
        for conn in gateways.values():
            conn.close()
    return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="runlens", description="runlens (Python package) commands")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("sync", help="send the spools that earlier processes left (Kafka unreachable, or a crash)")
    p.add_argument("--dir", default=os.environ.get("RUNLENS_SPOOL_DIR") or str(default_root()), help="spool root (RUNLENS_SPOOL_DIR, default ~/.runlens/spool)")
    p.add_argument("--brokers", help="send every spool to these Kafka brokers (default: where each spool was headed; for Kafka RUNLENS_KAFKA_BROKERS, else the spool's)")
    p.add_argument("--gateway-url", default=os.environ.get("RUNLENS_GATEWAY_URL"), help="send through the HTTP gateway instead (RUNLENS_GATEWAY_URL; default: the gateway a spool was written for, if any)")
    p.add_argument("--token", default=os.environ.get("RUNLENS_TOKEN"), help="the gateway's API token, scope ingest (RUNLENS_TOKEN)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for Kafka's (or each gateway request's) acknowledgement (default 60)")
    args = parser.parse_args(argv)
    return sync(Path(args.dir), args.brokers, args.timeout, gateway_url=args.gateway_url, token=args.token, default_brokers=os.environ.get("RUNLENS_KAFKA_BROKERS"))


if __name__ == "__main__":
    sys.exit(main())
