"""``runlens sync``: sends the spools that earlier processes left (a crash, Kafka unreachable
until they exited), oldest first and each in its write order, deleting every segment Kafka
acknowledged; a spool whose process still lives (its lock is held) is left to that process.

Exit status: 0 when everything found was sent (or nothing was found), 1 when Kafka refused or
did not acknowledge part of it (what was not acknowledged stays for the next sync), 2 when
Kafka is unreachable (nothing is touched). This module only reads spools and produces: the
messages go out byte for byte as spooled, so their identity makes a re-send harmless.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from confluent_kafka import KafkaException, Producer

from .encoding import EventEncoder
from .sender import producer_config
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


def send_spool(spool: LeftSpool, producer: Producer, timeout_s: float, out: Any = None) -> bool:
    """Sends one locked spool, segment by segment; returns True when all of it was acknowledged
    (its directory is then deleted)."""
    out = out or sys.stdout
    topic, key = spool.meta["topic"], str(spool.meta["key"]).encode("utf-8")
    encoder = EventEncoder()
    sent = 0
    kinds: Dict[str, int] = {}
    points = 0
    for path in spool.segments():
        values, torn = read_segment(path)
        if torn:
            print(f"  {path.name}: {torn} byte(s) of a write cut short by a crash are skipped", file=out)
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
            why = failures[0] if failures else f"{left} not acknowledged within {timeout_s:.0f} s"
            print(f"  {run_label(spool)}: Kafka did not take {path.name} ({why}); it stays in {spool.dir}", file=out)
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
    print(f"sent {sent} event(s) of run {run_label(spool)} ({what}; {points} points) from producer {spool.meta.get('producerId')} to {topic}", file=out)
    return True


def sync(root: Path, brokers: Optional[str], timeout_s: float, out: Any = None) -> int:
    out = out or sys.stdout
    spools = list(left_spools(root))
    if not spools:
        print(f"nothing to send: no spool under {root}", file=out)
        return 0
    producers: Dict[str, Producer] = {}
    status = 0
    try:
        for spool in spools:
            if not spool.lock():
                print(f"skipped run {run_label(spool)}: its process (pid {spool.holder()}) is alive and sends it itself", file=out)
                continue
            try:
                target = brokers or spool.meta.get("brokers") or "127.0.0.1:9092"
                if target not in producers:
                    producers[target] = _producer(target, timeout_s)
                if not send_spool(spool, producers[target], timeout_s, out):
                    status = 1
            finally:
                spool.release()
    except Unreachable as err:
        print(f"runlens sync: {err}; the spool under {root} is kept, run `runlens sync` again once Kafka is back", file=sys.stderr)
        return 2
    return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="runlens", description="runlens (Python package) commands")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("sync", help="send the spools that earlier processes left (Kafka unreachable, or a crash)")
    p.add_argument("--dir", default=os.environ.get("RUNLENS_SPOOL_DIR") or str(default_root()), help="spool root (RUNLENS_SPOOL_DIR, default ~/.runlens/spool)")
    p.add_argument("--brokers", default=os.environ.get("RUNLENS_KAFKA_BROKERS"), help="Kafka brokers (RUNLENS_KAFKA_BROKERS; default: those each spool was written for)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for Kafka's acknowledgements (default 60)")
    args = parser.parse_args(argv)
    return sync(Path(args.dir), args.brokers, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
