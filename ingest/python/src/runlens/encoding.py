"""The Avro contract of runlens events, as the TypeScript SDK writes it.

The schemas are the repository's own ``schemas/*.avsc`` files, shipped inside the package
(``ingest/python/schemas.test.ts`` fails when the copies differ byte for byte). Every message
is Avro single-object encoding: ``C3 01``, the 8-byte CRC-64-AVRO fingerprint of the schema's
parsing canonical form (little-endian, as fastavro's fingerprint hex already is), then the body.
"""
from __future__ import annotations

import io
import json
from importlib import resources
from typing import Any, Dict

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

MAGIC = b"\xc3\x01"

_FILES = {
    "RunStarted": "run-started.v1.avsc",
    "MetricBatch": "metric-batch.v1.avsc",
    "ArtifactLogged": "artifact-logged.v1.avsc",
    "RunFinished": "run-finished.v1.avsc",
}


class EventEncoder:
    """Encodes the four event types into Kafka message values."""

    def __init__(self) -> None:
        self._schemas: Dict[str, Any] = {}
        self._headers: Dict[str, bytes] = {}
        folder = resources.files("runlens") / "schemas"
        for event_type, file in _FILES.items():
            raw = json.loads((folder / file).read_text(encoding="utf-8"))
            self._schemas[event_type] = fastavro.parse_schema(raw)
            print_hex = fingerprint(to_parsing_canonical_form(raw), "CRC-64-AVRO")
            self._headers[event_type] = MAGIC + bytes.fromhex(print_hex)

    def encode(self, event_type: str, event: Dict[str, Any]) -> bytes:
        out = io.BytesIO()
        out.write(self._headers[event_type])
        fastavro.schemaless_writer(out, self._schemas[event_type], event)
        return out.getvalue()

    def fingerprint_hex(self, event_type: str) -> str:
        return self._headers[event_type][2:].hex()
