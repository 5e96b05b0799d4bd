import { CompiledQuery } from 'kysely';
import type { Db } from '../functions/core/db.ts';
import type { ScenarioResult } from './latency.ts';

/**
 * Tables that hold clinic (tenant) data: every query on them must be scoped by the caller's account, so a
 * sequential scan over one reads every clinic's rows.
 */
export const TENANT_TABLES = new Set([
  'patients',
  'users',
  'invites',
  'chat_sessions',
  'chat_answers',
  'eligibility_results',
  'lab_orders',
  'lab_results',
  'appointments',
  'recurring_availability',
  'audit_events',
  'email_outbox',
  'webhook_deliveries',
]);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Alias?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Filter?: string;
  'Sort Method'?: string;
  Plans?: PlanNode[];
}

export interface SeqScan {
  table: string;
  /** Rows the scan read (returned + removed by its filter), over all loops. */
  rowsRead: number;
  filter?: string;
  tenant: boolean;
}

export interface ExplainResult {
  scenario: string;
  route: string;
  caller: string;
  sql: string;
  planningMs: number;
  executionMs: number;
  /** Compact plan: one line per node, indented. */
  plan: string[];
  seqScans: SeqScan[];
  /** Rows read by all scan nodes (returned + removed by filters, over all loops), against `rowsReturned`. */
  rowsScanned: number;
  rowsReturned: number;
  /** A sequential scan of a tenant table. */
  flagged: boolean;
}

function walk(node: PlanNode, depth: number, lines: string[], scans: SeqScan[], scanned: { rows: number }): void {
  const loops = node['Actual Loops'] ?? 1;
  const rows = (node['Actual Rows'] ?? 0) * loops;
  if (/Scan$/.test(node['Node Type']) && node['Relation Name'])
    scanned.rows += rows + (node['Rows Removed by Filter'] ?? 0) * loops;
  const on = node['Relation Name']
    ? ` on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`
    : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const sort = node['Sort Method'] ? ` (${node['Sort Method']})` : '';
  lines.push(
    `${'  '.repeat(depth)}${node['Node Type']}${using}${on}${sort} rows=${rows}${loops > 1 ? ` loops=${loops}` : ''}`,
  );
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
    const removed = (node['Rows Removed by Filter'] ?? 0) * loops;
    scans.push({
      table: node['Relation Name'],
      rowsRead: rows + removed,
      filter: node.Filter,
      tenant: TENANT_TABLES.has(node['Relation Name']),
    });
  }
  for (const child of node.Plans ?? []) walk(child, depth + 1, lines, scans, scanned);
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every SELECT that the dashboard and list scenarios ran, with the parameters they
 * ran with (captured from the last measured request of each scenario).
 */
export async function explainScenarios(
  db: Db,
  results: readonly ScenarioResult[],
  explainLabels: ReadonlySet<string>,
): Promise<ExplainResult[]> {
  const out: ExplainResult[] = [];
  for (const result of results) {
    if (!explainLabels.has(result.label)) continue;
    for (const statement of result.sampleStatements) {
      if (!/^\s*(with|select)\b/i.test(statement.sql)) continue;
      const explained = await db.executeQuery<{
        'QUERY PLAN': [{ Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }];
      }>(CompiledQuery.raw(`explain (analyze, buffers, format json) ${statement.sql}`, [...statement.parameters]));
      const doc = explained.rows[0]?.['QUERY PLAN'][0];
      if (!doc) continue;
      const plan: string[] = [];
      const seqScans: SeqScan[] = [];
      const scanned = { rows: 0 };
      walk(doc.Plan, 0, plan, seqScans, scanned);
      out.push({
        scenario: result.label,
        route: result.route,
        caller: result.caller,
        sql: statement.sql.replace(/\s+/g, ' ').trim(),
        planningMs: Math.round(doc['Planning Time'] * 100) / 100,
        executionMs: Math.round(doc['Execution Time'] * 100) / 100,
        plan,
        seqScans,
        rowsScanned: scanned.rows,
        rowsReturned: (doc.Plan['Actual Rows'] ?? 0) * (doc.Plan['Actual Loops'] ?? 1),
        flagged: seqScans.some((s) => s.tenant),
      });
    }
  }
  return out;
}
