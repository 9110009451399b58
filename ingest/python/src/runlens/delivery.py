"""How an encoded message leaves the process: the contract the sender (sender.py) and
``runlens sync`` use, and its Kafka implementation (the gateway's is gateway.py).

A delivery takes one message at a time — ``send(key, value, done)``, the value byte for byte as
spooled — and later calls ``done(None)`` when the message was acknowledged, or ``done(Failure)``:
retriable (the message stays spooled and is re-sent, in order, byte-identical) or permanent (the
receiver refused it for good; ``keep`` when the message is fine but the credentials are not, so
it stays in the spool for ``runlens sync``). ``done`` runs only inside ``poll()``, on the thread
that polls. ``send`` returns False when the delivery holds as much as it takes: try again later.
``in_order``: the messages of one key arrive in the order sent, however many are in flight.

Kafka's failures: a transient one (broker down, timeout, election) is retriable; a message
refused for good — by the broker (too large, not authorised) or by ``produce()`` itself (a
KafkaException, e.g. over ``message.max.bytes``) — is a permanent failure, answered once at the
next ``poll()``: the sender drops that message with a SendError and the run's later messages go
on. A *fatal* producer error (``err.fatal()``: librdkafka's idempotent producer lost its
guarantee, e.g. a sequence gap or a fenced producer id) is the producer's fault, not the
message's: every message it fails is kept in the spool (``keep``, for ``runlens sync``), a
SendError says so, and the producer is replaced by a new one at that ``poll()`` so that the
later messages still go out.
"""
from __future__ import annotations

import itertools
import sys
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from confluent_kafka import KafkaError, KafkaException, Producer

__all__ = ["Failure", "Done", "KafkaDelivery", "failure", "producer_config", "transient"]


class Failure(NamedTuple):
    message: str
    retriable: bool
    keep: bool = False


Done = Callable[[Optional[Failure]], None]


def producer_config(brokers: str, message_timeout_ms: int = 30_000) -> Dict[str, Any]:
    return {
        "bootstrap.servers": brokers,
        "enable.idempotence": True,
        "acks": "all",
        # The Java client's (and kafkajs's) partitioner: a run's events land in the same
        # partition whichever SDK sends them.
        "partitioner": "murmur2_random",
        "linger.ms": 5,
        "message.max.bytes": 8_000_000,
        "message.timeout.ms": message_timeout_ms,
        # Reconnect soon after an outage: the spool waits on it.
        "reconnect.backoff.max.ms": 1000,
    }


def transient(err: KafkaError) -> bool:
    """A delivery failure worth re-sending later (Kafka down, slow, or mid-election) rather
    than an event refused for good (too large, not authorised)."""
    if err.fatal():
        return False
    return err.retriable() or err.code() in (
        KafkaError._MSG_TIMED_OUT, KafkaError._TIMED_OUT, KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN,
        KafkaError._PURGE_QUEUE, KafkaError._PURGE_INFLIGHT, KafkaError.NOT_ENOUGH_REPLICAS,
        KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND, KafkaError.REQUEST_TIMED_OUT, KafkaError.NOT_LEADER_FOR_PARTITION,
        KafkaError.LEADER_NOT_AVAILABLE, KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_PARTITION,
    )


def failure(err: KafkaError) -> Failure:
    """A Kafka error as the sender sees it: a fatal producer error keeps the message (the
    message is fine, the producer is not); a transient one is retried; the rest drop it."""
    if err.fatal():
        return Failure(f"{err.str()} (a fatal producer error: the message stays in the spool for `runlens sync`; the producer was replaced)", False, keep=True)
    return Failure(err.str(), transient(err))


class KafkaDelivery:
    """The idempotent producer (acks=all, keyed by run id): in order per key. ``producer``
    makes a producer of a config (confluent_kafka.Producer; tests pass a stand-in)."""

    in_order = True

    def __init__(self, brokers: str, topic: str, message_timeout_ms: int = 30_000, producer: Callable[[Dict[str, Any]], Any] = Producer) -> None:
        self.brokers = brokers
        self.topic = topic
        self.target = f"Kafka at {brokers}"
        self._config = producer_config(brokers, message_timeout_ms)
        self._make = producer
        self.producer = producer(self._config)
        self.replaced = 0  # producers replaced after a fatal error
        self._fatal = False
        self._refused: List[Tuple[Done, Failure]] = []  # produce() raised: answered at the next poll
        self._held: Dict[int, Done] = {}  # produced, not yet answered
        self._tokens = itertools.count()

    def send(self, key: bytes, value: bytes, done: Done) -> bool:
        token = next(self._tokens)
        held = self._held

        def delivered(err: Optional[KafkaError], _msg: Any) -> None:
            if held.pop(token, None) is None:
                return  # already answered (its producer was replaced)
            if err is not None and err.fatal():
                self._fatal = True
            done(None if err is None else failure(err))

        try:
            self.producer.produce(self.topic, value=value, key=key, on_delivery=delivered)
        except BufferError:
            self.producer.poll(0.05)  # librdkafka's queue is full: let it drain
            return False
        except KafkaException as exc:  # e.g. a message over the size limit: refused once, never retried
            err = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
            if err is not None and err.fatal():
                self._fatal = True
            self._refused.append((done, failure(err) if err is not None else Failure(str(exc), False)))
            return True
        held[token] = done
        return True

    def poll(self, timeout_s: float = 0.0) -> None:
        refused, self._refused = self._refused, []
        for done, answer in refused:
            done(answer)
        self.producer.poll(timeout_s)
        if self._fatal:
            self._replace()

    def _replace(self) -> None:
        """After a fatal error the producer takes nothing more: what it still holds is purged and
        answered as retriable (re-sent, in order, through the new producer), and a new producer
        takes over."""
        old, held = self.producer, self._held
        try:
            old.purge(in_queue=True, in_flight=True, blocking=False)
            old.poll(0)  # the purged messages' answers, where librdkafka gives them at once
        except Exception:  # a producer in a fatal state may refuse even that
            pass
        self._held = {}
        for done in list(held.values()):  # never answered by the old producer: answered here
            done(Failure("the producer was replaced after a fatal error", True))
        held.clear()
        self._fatal = False
        self.producer = self._make(self._config)
        self.replaced += 1
        print(f"runlens: {self.target}: fatal producer error; a new producer takes over (the messages it failed stay in the spool)", file=sys.stderr)

    def close(self) -> None:
        pass  # what librdkafka still holds is in the spool too
