/**
 * The question bank new sessions start with; sessions keep the version they started with. A module of its own so
 * that code which only needs the version does not bundle the bank's content (bank-v1.ts).
 */
export const CURRENT_BANK_VERSION = 'genascope-risk-2026.1';
