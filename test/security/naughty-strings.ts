/**
 * A small, curated list of strings that have broken software before (in the spirit of the "Big List of Naughty
 * Strings"): unicode edge cases, direction overrides, invisible characters, control characters, injection
 * fragments for SQL, HTML/JS, templates, paths, headers and formats. The hostile-input suite puts each of them in
 * every string of every request.
 *
 * `distinctive` strings are unlikely to appear in a log line by chance: the suite checks that none of them is
 * logged (request data must never reach the logs).
 */
export interface NaughtyString {
  label: string;
  value: string;
  distinctive?: boolean;
}

export const NAUGHTY_STRINGS: readonly NaughtyString[] = [
  // Empty and blank
  { label: 'empty', value: '' },
  { label: 'space', value: ' ' },
  { label: 'whitespace mix', value: '\t \u00a0\u2003\u3000' },
  { label: 'newlines', value: 'line1\nline2\r\nline3' },
  // Control characters
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'only NUL', value: '\u0000' },
  { label: 'escape and bell', value: '\u001b[31mred\u0007' },
  { label: 'DEL and C1 controls', value: 'x\u007f\u0085\u009f' },
  // Unicode edge cases
  { label: 'zero-width characters', value: 'z\u200bw\u200cs\u200dp\ufeff', distinctive: true },
  { label: 'RTL override', value: 'abc\u202edcba\u202c', distinctive: true },
  { label: 'RTL text', value: 'مرحبا بالعالم שלום', distinctive: true },
  { label: 'combining marks (zalgo)', value: 'Z̴̡̛̗a̷̧̛l̶̨̛g̸̢̛o̵̢̡', distinctive: true },
  { label: 'emoji with ZWJ and skin tone', value: '👩🏽‍⚕️🧬👨‍👩‍👧‍👦', distinctive: true },
  { label: 'astral plane (4-byte UTF-8)', value: '𝕳𝖊𝖗𝖊𝖉𝖎𝖙𝖆𝖗𝖞 𐍈', distinctive: true },
  { label: 'lone high surrogate', value: 'x\ud800y' },
  { label: 'lone low surrogate', value: 'x\udc00y' },
  { label: 'BOM and noncharacters', value: '\ufeff\ufffe\uffff' },
  { label: 'replacement character', value: '\ufffd\ufffd' },
  { label: 'fullwidth and ligatures', value: 'ＡＤＭＩＮ ﬁﬂ', distinctive: true },
  { label: 'Turkish dotless i and sharp s (case mapping)', value: 'İıßẞ', distinctive: true },
  { label: 'CJK', value: '遺伝性がんリスク評価', distinctive: true },
  { label: 'overlong (2,000 characters)', value: 'A'.repeat(2_000) },
  { label: 'overlong multi-byte (1,000 emoji)', value: '🧬'.repeat(1_000) },
  // Numbers and literals that parsers like to coerce
  { label: 'number-like', value: '1e309' },
  { label: 'negative zero', value: '-0' },
  { label: 'NaN', value: 'NaN' },
  { label: 'null literal', value: 'null' },
  { label: 'undefined literal', value: 'undefined' },
  { label: 'true literal', value: 'true' },
  // SQL
  { label: 'SQL tautology', value: "' OR 1=1 --", distinctive: true },
  { label: 'SQL stacked query', value: "'; DROP TABLE patients; --", distinctive: true },
  { label: 'SQL union', value: '" UNION SELECT id, email FROM users --', distinctive: true },
  { label: 'SQL LIKE wildcards and escape', value: '%_\\', distinctive: true },
  { label: 'PostgreSQL dollar quote and cast', value: '$$;select pg_sleep(1);$$::text', distinctive: true },
  // HTML / script
  { label: 'script tag', value: '<script>alert(1)</script>', distinctive: true },
  { label: 'img onerror', value: '"><img src=x onerror=alert(1)>', distinctive: true },
  { label: 'javascript URL', value: 'javascript:alert(document.cookie)', distinctive: true },
  // Templates and expressions
  { label: 'template injection', value: '{{7*7}}${7*7}<%= 7*7 %>#{7*7}', distinctive: true },
  // Paths and encodings
  { label: 'path traversal', value: '../../etc/passwd', distinctive: true },
  { label: 'windows path traversal', value: '..\\..\\windows\\win.ini', distinctive: true },
  { label: 'percent-encoded NUL', value: '%00', distinctive: true },
  { label: 'double percent-encoding', value: '%252e%252e%252f', distinctive: true },
  { label: 'header injection (CRLF)', value: 'x\r\nSet-Cookie: evil=1', distinctive: true },
  // Formats
  { label: 'JSON in a string', value: '{"__proto__":{"isAdmin":true}}', distinctive: true },
  { label: 'prototype key as a value', value: '__proto__' },
  { label: 'LDAP / glob', value: '*)(uid=*))(|(uid=*', distinctive: true },
  { label: 'format string', value: '%s%s%s%n%x', distinctive: true },
  { label: 'CSV formula', value: "=cmd|' /C calc'!A0", distinctive: true },
  { label: 'e-mail-looking with injection', value: 'a@b.c\r\nBcc: victim@example.com', distinctive: true },
];
