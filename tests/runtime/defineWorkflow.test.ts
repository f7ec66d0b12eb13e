import { describe, expect, it } from 'vitest';
import { InvalidWorkflowError } from '../../src-shared/errors';
import { createWorkflowRegistry, defineWorkflow } from '../../src-main/runtime';

const h = () => ({ complete: null });

function rejects(spec: unknown, pattern: RegExp, nodeId?: string) {
  try {
    defineWorkflow(spec as Parameters<typeof defineWorkflow>[0]);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidWorkflowError);
    expect((e as InvalidWorkflowError).code).toBe('INVALID_WORKFLOW');
    expect((e as Error).message).toMatch(pattern);
    if (nodeId) expect((e as InvalidWorkflowError).details?.nodeId).toBe(nodeId);
    return;
  }
  throw new Error('defineWorkflow accepted an invalid spec');
}

describe('defineWorkflow', () => {
  it('accepts a valid graph given as a record and freezes it', () => {
    const wf = defineWorkflow({ id: 'w', version: '1', entry: 'a', nodes: { a: { handler: h, next: ['b'] }, b: { handler: h } } });
    expect(wf.validated).toBe(true);
    expect(Object.isFrozen(wf)).toBe(true);
    expect(Object.isFrozen(wf.nodes)).toBe(true);
    expect(wf.nodes.b!.next).toEqual([]);
  });

  it('accepts nodes as an array of {id, ...}', () => {
    const wf = defineWorkflow({
      id: 'w',
      version: '1',
      entry: 'a',
      nodes: [
        { id: 'a', handler: h, next: ['b'] },
        { id: 'b', handler: h },
      ],
    });
    expect(Object.keys(wf.nodes)).toEqual(['a', 'b']);
  });

  it('refuses duplicate node ids in an array, naming the id', () => {
    rejects(
      {
        id: 'w',
        version: '1',
        entry: 'a',
        nodes: [
          { id: 'a', handler: h },
          { id: 'a', handler: h },
        ],
      },
      /duplicate node id "a"/,
      'a',
    );
  });

  it('refuses an empty id or version', () => {
    rejects({ id: '', version: '1', entry: 'a', nodes: { a: { handler: h } } }, /non-empty id/);
    rejects({ id: 'w', version: ' ', entry: 'a', nodes: { a: { handler: h } } }, /non-empty version/);
  });

  it('refuses an unknown entry, naming it', () => {
    rejects({ id: 'w', version: '1', entry: 'nope', nodes: { a: { handler: h } } }, /entry node "nope" does not exist/, 'nope');
  });

  it('refuses an edge to a missing node, naming both ends', () => {
    rejects(
      { id: 'w', version: '1', entry: 'a', nodes: { a: { handler: h, next: ['ghost'] } } },
      /node "a" has an edge to missing node "ghost"/,
      'a',
    );
  });

  it('keeps edge labels on declared edges, and refuses a label on an edge the node does not have', () => {
    const wf = defineWorkflow({
      id: 'w',
      version: '1',
      entry: 'a',
      nodes: {
        a: { handler: h, next: ['b', 'c'], edgeLabels: { b: 'yes', c: { label: 'no', when: 'x is false' } } },
        b: { handler: h },
        c: { handler: h },
      },
    });
    expect({ ...wf.nodes.a!.edgeLabels }).toEqual({ b: { label: 'yes' }, c: { label: 'no', when: 'x is false' } });
    const node = (edgeLabels: unknown) => ({
      id: 'w',
      version: '1',
      entry: 'a',
      nodes: { a: { handler: h, next: ['b'], edgeLabels }, b: { handler: h } },
    });
    rejects(node({ ghost: 'x' }), /node "a" edgeLabels labels "ghost", which is not one of its declared edges \[b\]/, 'a');
    rejects(node({ b: '' }), /edgeLabels\.b: the label must be text of 1 to 32 characters/, 'a');
    rejects(node({ b: 'x'.repeat(33) }), /the label must be text of 1 to 32 characters/, 'a');
    rejects(node({ b: { label: 'ok', when: 42 } }), /"when" must be text/, 'a');
    rejects(node({ b: { label: 'ok', colour: 'red' } }), /unknown field "colour"/, 'a');
    rejects(node(['b']), /edgeLabels must be an object of labels by target node id/, 'a');
  });

  it('refuses unreachable nodes, naming the first', () => {
    rejects(
      { id: 'w', version: '1', entry: 'a', nodes: { a: { handler: h }, island: { handler: h } } },
      /node "island" is unreachable/,
      'island',
    );
  });

  it('refuses a node without a handler function and a bad retry policy', () => {
    rejects({ id: 'w', version: '1', entry: 'a', nodes: { a: {} } }, /node "a" has no handler/, 'a');
    rejects({ id: 'w', version: '1', entry: 'a', nodes: { a: { handler: h, retry: { maxAttempts: 0 } } } }, /retry.maxAttempts/, 'a');
  });

  it('refuses default vars that are not plain JSON', () => {
    rejects(
      { id: 'w', version: '1', entry: 'a', nodes: { a: { handler: h } }, defaultVars: { when: new Date() } },
      /defaultVars.when is not plain JSON/,
    );
  });
});

describe('createWorkflowRegistry', () => {
  const v = (version: string) => defineWorkflow({ id: 'w', version, entry: 'a', nodes: { a: { handler: h } } });

  it('returns a version by id + version, and the latest when none is given', () => {
    const reg = createWorkflowRegistry([v('1.9'), v('1.10'), v('1.2')]);
    expect(reg.get('w', '1.9')?.version).toBe('1.9');
    expect(reg.get('w')?.version).toBe('1.10');
    expect(reg.get('other')).toBeUndefined();
    expect(reg.list()).toHaveLength(3);
  });

  it('refuses the same id + version twice, and specs not made by defineWorkflow', () => {
    expect(() => createWorkflowRegistry([v('1'), v('1')])).toThrow(InvalidWorkflowError);
    const reg = createWorkflowRegistry();
    expect(() => reg.register({ id: 'x' } as never)).toThrow(InvalidWorkflowError);
  });

  it('require() throws WorkflowNotFoundError for an unknown workflow', () => {
    const reg = createWorkflowRegistry([v('1')]);
    expect(() => reg.require('w', '2')).toThrow(/version "2" is not registered/);
  });
});
