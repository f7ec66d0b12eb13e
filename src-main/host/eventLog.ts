/**
 * Emitted events are recorded (the store has no events table): appended to
 * `<dataDir>/events.jsonl` when the host has a data folder, and kept in memory (last 200).
 * An event no run waited for is recorded with `delivered: []`, which is not an error.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JsonValue } from '../../src-shared/json';

export interface EventLogEntry {
  name: string;
  payload: JsonValue;
  at: string;
  delivered: string[];
}

const KEEP = 200;

export class EventLog {
  private readonly recent: EventLogEntry[] = [];

  constructor(private readonly file: string | null) {}

  record(entry: EventLogEntry): void {
    this.recent.push(entry);
    if (this.recent.length > KEEP) this.recent.shift();
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(entry) + '\n');
    } catch (err) {
      // The deliveries are already in each run's ledger; the log is only an audit aid.
      console.error(`[abstractruntime] could not append to ${this.file}:`, (err as Error).message);
    }
  }

  list(): EventLogEntry[] {
    return [...this.recent];
  }
}
