"""The benchmarks' own topic prefix on the local Kafka, created when missing: their events never
reach the product's topic (runlens.events)."""
import os

from confluent_kafka.admin import AdminClient, NewTopic

PREFIX = "runlens.pybench."


def bench_brokers() -> str:
    """RUNLENS_KAFKA_BROKERS, with the topic runlens.pybench.events there (3 partitions)."""
    brokers = os.environ.get("RUNLENS_KAFKA_BROKERS", "127.0.0.1:9092")
    admin = AdminClient({"bootstrap.servers": brokers})
    if f"{PREFIX}events" not in admin.list_topics(timeout=10).topics:
        for f in admin.create_topics([NewTopic(f"{PREFIX}events", 3, 1)]).values():
            f.result()
    return brokers
