"""The errors the transport raises to a training script (kept apart so that the sender and the
spool can both raise them without importing each other)."""
from __future__ import annotations


class SendError(RuntimeError):
    """Kafka did not acknowledge an event (yet); points may be missing from the run until the
    spool is sent (by this process while it lives, else by ``runlens sync``)."""


class SpoolFullError(SendError):
    """The on-disk spool reached its bound while Kafka was unreachable: the points of the call
    that raised it were not logged. Nothing already spooled is dropped."""
