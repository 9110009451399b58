"""Stand-ins for the transport's far side, for unit tests of the sender (no Kafka): a delivery
with the delivery.py contract that answers as told, and a confluent_kafka Producer stand-in
for KafkaDelivery. Integration tests never use these."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

from runlens.delivery import Failure
from runlens.encoding import EventEncoder

_encoder = EventEncoder()


def event_type(value: bytes) -> str:
    return _encoder.decode(value)[0]


class ScriptedDelivery:
    """Answers each message at the next poll with ``answer(value)`` (None: acknowledged; a
    Failure; or ``...`` for no answer at all, as Kafka that never acknowledges)."""

    in_order = True
    target = "a scripted delivery"

    def __init__(self, answer: Callable[[bytes], Any] = lambda value: None) -> None:
        self.answer = answer
        self.sent: List[bytes] = []
        self._answers: List[Tuple[Any, Optional[Failure]]] = []

    def send(self, key: bytes, value: bytes, done: Any) -> bool:
        self.sent.append(value)
        a = self.answer(value)
        if a is not ...:
            self._answers.append((done, a))
        return True

    def poll(self, timeout_s: float = 0.0) -> None:
        answers, self._answers = self._answers, []
        for done, failure in answers:
            done(failure)

    def close(self) -> None:
        pass

    def types(self) -> List[str]:
        return [event_type(v) for v in self.sent]


class FakeProducer:
    """confluent_kafka.Producer's produce/poll/purge/len, answering each message at poll with
    ``answer(value)`` (a KafkaError or None); ``refuse(value)`` may return a KafkaException for
    produce() to raise."""

    made: List["FakeProducer"] = []

    def __init__(self, config: Any, answer: Callable[[bytes], Any] = lambda v: None, refuse: Callable[[bytes], Any] = lambda v: None) -> None:
        self.config = config
        self.answer = answer
        self.refuse = refuse
        self.produced: List[bytes] = []
        self.purged = False
        self._queue: List[Tuple[bytes, Any]] = []

    def produce(self, topic: str, value: bytes, key: bytes, on_delivery: Any) -> None:
        err = self.refuse(value)
        if err is not None:
            raise err
        self.produced.append(value)
        self._queue.append((value, on_delivery))

    def poll(self, timeout: float = 0.0) -> int:
        queue, self._queue = self._queue, []
        for value, cb in queue:
            cb(self.answer(value), None)
        return len(queue)

    def purge(self, in_queue: bool = True, in_flight: bool = True, blocking: bool = True) -> None:
        self.purged = True

    def __len__(self) -> int:
        return len(self._queue)
