// What `runlens migrate` checks before applying migrations to a database in use: a migration
// that copies a table (a rebuild) while processors write to it would lose their rows written
// after the copy (storage/migrate.ts copiesATable), so it refuses until they are stopped.
import type { Config } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { copiesATable, type Migration } from '../storage/migrate.ts';

/**
 * A pending migration that copies a table must not run while processors write to it (their rows
 * after the copy would be dropped with the old table): refused while the processors' consumer
 * group has members, or when Kafka cannot say whether it has.
 */
export async function refuseCopiesWhileProcessing(c: Config, pending: Migration[]): Promise<void> {
  const copies = pending.filter(copiesATable).map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
  if (copies.length === 0) return;
  const admin = createKafka(c.kafkaBrokers, 'runlens-migrate').admin();
  let members: number;
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([c.processorGroup]);
    members = groups[0]?.members.length ?? 0;
  } catch (err) {
    throw new Error(`migrations ${copies.join(', ')} copy tables, which processors must not write to meanwhile, and Kafka (${c.kafkaBrokers.join(',')}) cannot say whether processors of group ${c.processorGroup} run: ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (members > 0) {
    throw new Error(`migrations ${copies.join(', ')} copy tables: stop the ${members} processor(s) of consumer group ${c.processorGroup} first (e.g. kubectl scale deployment <release>-runlens-processor --replicas=0, or docker compose stop processor), then run runlens migrate again; they resume from their offsets afterwards`);
  }
}
