import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: the local stack and the clients agree on the ports', () => {
  it('defaults to the local stack on its default ports', () => {
    const c = loadConfig({});
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.clickhouseUrl).toBe('http://127.0.0.1:8123');
    expect(c.local).toEqual({ kafkaPort: 9092, kafkaControllerPort: 9093, clickhouseHttpPort: 8123, clickhouseTcpPort: 9000, home: undefined });
    expect(c.external).toBe(false);
    expect(c.warnings).toEqual([]);
  });

  it('moves every client with the local stack: the addresses follow RUNLENS_LOCAL_*', () => {
    const c = loadConfig({
      RUNLENS_HOME: '/tmp/rl-ports',
      RUNLENS_LOCAL_KAFKA_PORT: '29092',
      RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT: '29093',
      RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '28123',
      RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT: '29000',
    });
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:29092']);
    expect(c.clickhouseUrl).toBe('http://127.0.0.1:28123');
    expect(c.local).toEqual({ kafkaPort: 29092, kafkaControllerPort: 29093, clickhouseHttpPort: 28123, clickhouseTcpPort: 29000, home: '/tmp/rl-ports' });
    expect(c.external).toBe(false);
    expect(c.warnings).toEqual([]);
  });

  it('moves one service alone, and treats an empty variable as unset (as stack.sh does)', () => {
    const c = loadConfig({ RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '28123', RUNLENS_LOCAL_KAFKA_PORT: '', RUNLENS_HOME: '' });
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.clickhouseUrl).toBe('http://127.0.0.1:28123');
    expect(c.local.home).toBeUndefined();
  });

  it('lets explicit addresses win; both set means nothing local (no warning when no port was moved)', () => {
    const c = loadConfig({ RUNLENS_KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092', RUNLENS_CLICKHOUSE_URL: 'http://clickhouse:8123' });
    expect(c.kafkaBrokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(c.clickhouseUrl).toBe('http://clickhouse:8123');
    expect(c.external).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  it('warns when an explicit address overrides a moved local port', () => {
    const c = loadConfig({
      RUNLENS_LOCAL_KAFKA_PORT: '29092',
      RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '28123',
      RUNLENS_KAFKA_BROKERS: 'kafka-1:9092',
      RUNLENS_CLICKHOUSE_URL: 'http://clickhouse:8123',
    });
    expect(c.kafkaBrokers).toEqual(['kafka-1:9092']);
    expect(c.clickhouseUrl).toBe('http://clickhouse:8123');
    expect(c.external).toBe(true);
    expect(c.warnings).toHaveLength(2);
    expect(c.warnings[0]).toMatch(/^RUNLENS_KAFKA_BROKERS=kafka-1:9092 overrides RUNLENS_LOCAL_KAFKA_PORT=29092: commands use Kafka at kafka-1:9092, not the local stack's 127\.0\.0\.1:29092; `stack up` starts nothing/);
    expect(c.warnings[1]).toMatch(/^RUNLENS_CLICKHOUSE_URL=http:\/\/clickhouse:8123 overrides RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT=28123: commands use ClickHouse at http:\/\/clickhouse:8123, not the local stack's http:\/\/127\.0\.0\.1:28123; `stack up` starts nothing/);
  });

  it('warns about one service when only its address is explicit (the local stack still starts)', () => {
    const c = loadConfig({ RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '28123', RUNLENS_CLICKHOUSE_URL: 'http://127.0.0.1:8123' });
    expect(c.external).toBe(false);
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.warnings).toEqual([
      "RUNLENS_CLICKHOUSE_URL=http://127.0.0.1:8123 overrides RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT=28123: commands use ClickHouse at http://127.0.0.1:8123, not the local stack's http://127.0.0.1:28123",
    ]);
  });

  it('does not warn when the explicit address is the moved local stack itself', () => {
    const c = loadConfig({
      RUNLENS_LOCAL_KAFKA_PORT: '29092',
      RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '28123',
      RUNLENS_KAFKA_BROKERS: 'localhost:29092',
      RUNLENS_CLICKHOUSE_URL: 'http://127.0.0.1:28123/',
    });
    expect(c.warnings).toEqual([]);
  });

  it('rejects ports that are not ports, or clash', () => {
    expect(() => loadConfig({ RUNLENS_LOCAL_KAFKA_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ RUNLENS_LOCAL_KAFKA_PORT: 'abc' })).toThrow('RUNLENS_LOCAL_KAFKA_PORT: "abc" is not a port number (1-65535)');
    expect(() => loadConfig({ RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: '70000' })).toThrow('RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT: "70000" is not a port number');
    expect(() => loadConfig({ RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT: '0' })).toThrow('RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT: "0" is not a port number');
    expect(() => loadConfig({ RUNLENS_LOCAL_KAFKA_PORT: '9093' })).toThrow("the local stack's ports must differ");
  });
});

describe('loadConfig: RUNLENS_CLICKHOUSE_CLUSTER', () => {
  it('is unset (one server) unless named, and must be a cluster name', () => {
    expect(loadConfig({}).clickhouseCluster).toBeUndefined();
    expect(loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: '' }).clickhouseCluster).toBeUndefined();
    expect(loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: 'runlens' }).clickhouseCluster).toBe('runlens');
    expect(() => loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: 'a b; DROP' })).toThrow(ConfigError);
    expect(() => loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: 'a-b' })).toThrow(/RUNLENS_CLICKHOUSE_CLUSTER: "a-b" must match/);
  });

  it('takes an insert quorum on a cluster only', () => {
    expect(loadConfig({}).clickhouseInsertQuorum).toBe(0);
    expect(loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: 'runlens', RUNLENS_CLICKHOUSE_INSERT_QUORUM: '2' }).clickhouseInsertQuorum).toBe(2);
    expect(() => loadConfig({ RUNLENS_CLICKHOUSE_INSERT_QUORUM: '2' })).toThrow('RUNLENS_CLICKHOUSE_INSERT_QUORUM needs RUNLENS_CLICKHOUSE_CLUSTER');
    expect(() => loadConfig({ RUNLENS_CLICKHOUSE_CLUSTER: 'runlens', RUNLENS_CLICKHOUSE_INSERT_QUORUM: 'two' })).toThrow(/RUNLENS_CLICKHOUSE_INSERT_QUORUM/);
  });
});
