"""The Avro contract of runlens events, as the TypeScript SDK writes it.

The schemas are the repository's own ``schemas/*.avsc`` files, shipped inside the package
(``ingest/python/schemas.test.ts`` fails when the copies differ byte for byte). Every message
is Avro single-object encoding: ``C3 01``, the 8-byte CRC-64-AVRO fingerprint of the schema's
parsing canonical form (little-endian, as fastavro's fingerprint hex already is), then the body.
"""
from __future__ import annotations

import io
import json
import re
from importlib import resources
from typing import Any, Dict, Tuple

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form

MAGIC = b"\xc3\x01"

_TYPES = {
    "run-started": "RunStarted",
    "metric-batch": "MetricBatch",
    "artifact-logged": "ArtifactLogged",
    "run-finished": "RunFinished",
    "params-logged": "ParamsLogged",
    "run-heartbeat": "RunHeartbeat",
    "tags-set": "TagsSet",
    "experiment-declared": "ExperimentDeclared",
    "run-lifecycle-set": "RunLifecycleSet",
    "registry-changed": "RegistryChanged",
    "evidence-saved": "EvidenceSaved",
    "table-logged": "TableLogged",
    "samples-logged": "SamplesLogged",
    "log-lines": "LogLines",
    "outcome-batch": "OutcomeBatch",
    "online-experiment-declared": "OnlineExperimentDeclared",
}
_FILE = re.compile(r"^([a-z-]+)\.v(\d+)\.avsc$")


def _newest_files(folder: Any) -> Dict[str, Any]:
    """The newest version's file of each event type (writers always write the newest)."""
    newest: Dict[str, Tuple[int, Any]] = {}
    for entry in folder.iterdir():
        m = _FILE.match(entry.name)
        if m and m.group(1) in _TYPES:
            event_type, version = _TYPES[m.group(1)], int(m.group(2))
            if event_type not in newest or newest[event_type][0] < version:
                newest[event_type] = (version, entry)
    return {t: entry for t, (_, entry) in newest.items()}


class EventEncoder:
    """Encodes every event type into Kafka message values, with the newest schema of each."""

    def __init__(self) -> None:
        self._schemas: Dict[str, Any] = {}
        self._headers: Dict[str, bytes] = {}
        folder = resources.files("runlens") / "schemas"
        for event_type, file in _newest_files(folder).items():
            raw = json.loads(file.read_text(encoding="utf-8"))
            self._schemas[event_type] = fastavro.parse_schema(raw)
            print_hex = fingerprint(to_parsing_canonical_form(raw), "CRC-64-AVRO")
            self._headers[event_type] = MAGIC + bytes.fromhex(print_hex)

    def encode(self, event_type: str, event: Dict[str, Any]) -> bytes:
        out = io.BytesIO()
        out.write(self._headers[event_type])
        fastavro.schemaless_writer(out, self._schemas[event_type], event)
        return out.getvalue()

    def decode(self, value: bytes) -> Tuple[str, Dict[str, Any]]:
        """The event type and event of a message this encoder wrote (newest schemas only)."""
        for event_type, header in self._headers.items():
            if value[: len(header)] == header:
                return event_type, fastavro.schemaless_reader(io.BytesIO(value[len(header) :]), self._schemas[event_type], None)
        raise ValueError(f"not a message of this package's newest schemas (header {value[:10].hex()})")

    def fingerprint_hex(self, event_type: str) -> str:
        return self._headers[event_type][2:].hex()
