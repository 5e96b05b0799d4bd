import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineRoute } from '../../functions/core/http/route.ts';
import { defineOperations, ok, type OperationsOf } from '../../functions/core/http/types.ts';

// `npm run typecheck` compiles this file: each `@ts-expect-error` below fails the type check if the error it
// expects stops being reported, so these lines pin the compile-time contract of operations.

const routes = [
  defineRoute({
    operationId: 'getThing',
    method: 'GET',
    path: '/v1/things/{thingId}',
    area: 'things',
    summary: 'A thing',
    auth: 'public',
    params: v.strictObject({ thingId: v.pipe(v.string(), v.uuid()) }),
    query: v.strictObject({ verbose: v.optional(v.boolean()) }),
    response: v.object({ id: v.string(), count: v.number() }),
  }),
  defineRoute({
    operationId: 'deleteThing',
    method: 'DELETE',
    path: '/v1/things/{thingId}',
    area: 'things',
    summary: 'Remove a thing',
    auth: 'public',
  }),
] as const;

type Ops = OperationsOf<typeof routes>;

describe('operations typed from their routes', () => {
  it('gives each operation the params and query its route declares', async () => {
    const operations = defineOperations(routes, {
      getThing: async (r) => {
        const id: string = r.params.thingId;
        const verbose: boolean | undefined = r.query.verbose;
        // @ts-expect-error a param the route does not declare
        void r.params.otherId;
        // @ts-expect-error the route declares no body, so it is `undefined`
        const body: object = r.body;
        expect(body).toBeUndefined();
        return ok({ id, count: verbose ? 2 : 1 });
      },
      deleteThing: async () => ({ status: 204 }),
    });
    const getThing = operations.operations.get('getThing');
    expect(getThing).toBeTypeOf('function');
    const answer = await getThing!({ params: { thingId: 'x' }, query: { verbose: true }, body: undefined } as never);
    expect(answer).toEqual({ status: 200, body: { id: 'x', count: 2 } });
  });

  it('checks an answer against the declared response', () => {
    const wrong: Ops['getThing'] =
      // @ts-expect-error `count` must be a number
      async () => ok({ id: 'x', count: 'two' });
    expect(wrong).toBeTypeOf('function');
  });

  it('refuses a missing or misspelled operation', () => {
    expect(() =>
      // @ts-expect-error `deleteThing` is missing and `getThng` is not an operation of these routes
      defineOperations(routes, { getThng: async () => ok({ id: 'x', count: 1 }) }),
    ).toThrow('No operation implements getThing');
  });
});
