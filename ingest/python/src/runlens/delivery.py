"""How an encoded message leaves the process: the contract the sender (sender.py) and
``runlens sync`` use, and its Kafka implementation (the gateway's is gateway.py).

A delivery takes one message at a time — ``send(key, value, done)``, the value byte for byte as
spooled — and later calls ``done(None)`` when the message was acknowledged, or ``done(Failure)``:
retriable (the message stays spooled and is re-sent, in order, byte-identical) or permanent (the
receiver refused it for good; ``keep`` when the message is fine but the credentials are not, so
it stays in the spool for ``runlens sync``). ``done`` runs only inside ``poll()``, on the thread
that polls. ``send`` returns False when the delivery holds as much as it takes: try again later.
``in_order``: the messages of one key arrive in the order sent, however many are in flight.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from confluent_kafka import KafkaError, KafkaException, Producer

__all__ = ["Failure", "Done", "KafkaDelivery", "producer_config", "transient"]


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


class KafkaDelivery:
    """The idempotent producer (acks=all, keyed by run id): in order per key."""

    in_order = True

    def __init__(self, brokers: str, topic: str, message_timeout_ms: int = 30_000) -> None:
        self.brokers = brokers
        self.topic = topic
        self.target = f"Kafka at {brokers}"
        self.producer = Producer(producer_config(brokers, message_timeout_ms))
        self._refused: List[Tuple[Done, Failure]] = []  # produce() raised: answered at the next poll

    def send(self, key: bytes, value: bytes, done: Done) -> bool:
        def delivered(err: Optional[KafkaError], _msg: Any) -> None:
            done(None if err is None else Failure(err.str(), transient(err)))

        try:
            self.producer.produce(self.topic, value=value, key=key, on_delivery=delivered)
        except BufferError:
            self.producer.poll(0.05)  # librdkafka's queue is full: let it drain
            return False
        except KafkaException as err:  # e.g. a message over the size limit
            self._refused.append((done, Failure(str(err), False)))
        return True

    def poll(self, timeout_s: float = 0.0) -> None:
        refused, self._refused = self._refused, []
        for done, failure in refused:
            done(failure)
        self.producer.poll(timeout_s)

    def close(self) -> None:
        pass  # what librdkafka still holds is in the spool too
