/**
 * The peer LangGraph JS with `@langchain/langgraph-checkpoint-postgres` on the benchmark's
 * linear shape (the same graph as bench/peer/langgraph.ts), `durability: "sync"`: each
 * super-step's checkpoint is written before the next node runs. Run as a fleet child
 * (bench/postgres/fleet.ts): each process invokes its share of the threads at once.
 *
 *   node --import tsx bench/peer/langgraphPostgres.ts --url DB_URL --runs N --nodes 10 --tag T
 *   (--setup 1: only create the checkpointer's tables, once, before a fleet starts)
 */
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';
import { buildLinearGraph } from './langgraph';
import { childArgs, childMain } from '../postgres/fleet';

async function setup() {
  const a = childArgs();
  const runs = Number(a.runs);
  const nodes = Number(a.nodes);
  // The saver's own pool, sized for the threads in flight (its default is pg's 10).
  const pool = new pg.Pool({ connectionString: a.url!, max: Number(a.pool ?? 20) });
  const saver = new PostgresSaver(pool);
  if (a.setup === '1') await saver.setup();
  const graph = buildLinearGraph(nodes, saver as never);
  return {
    async run() {
      const outs = await Promise.all(
        Array.from({ length: runs }, (_, r) =>
          graph.invoke({ count: 0, trail: '' }, { configurable: { thread_id: `${a.tag}-${r}` }, durability: 'sync' }),
        ),
      );
      for (const o of outs) if (o.count !== nodes) throw new Error(`a LangGraph thread ended with count ${String(o.count)}`);
      return { steps: runs * nodes, runs };
    },
    close: () => pool.end(),
  };
}

void childMain(setup);
