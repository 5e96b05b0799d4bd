import type { Migration } from 'kysely';

/** Every migration, by name, in order. A test checks that each file in this folder is registered here. */
export const migrations: Record<string, Migration> = {};
