import { randomInt } from 'node:crypto';

/**
 * Confirmation codes are read aloud on the phone and typed from e-mails, so the alphabet leaves out the
 * look-alikes 0/O and 1/I/L (and U, which keeps accidental words out): 30 symbols, 8 characters,
 * 30^8 ≈ 6.6 × 10^11 codes. Uniqueness is the database's unique index; a collision is retried with a new code.
 */
export const CONFIRMATION_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CONFIRMATION_CODE_LENGTH = 8;
export const CONFIRMATION_CODE = new RegExp(`^[${CONFIRMATION_ALPHABET}]{${CONFIRMATION_CODE_LENGTH}}$`);

/** A uniformly random code (crypto `randomInt` has no modulo bias). */
export function newConfirmationCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < CONFIRMATION_CODE_LENGTH; i += 1)
    code += CONFIRMATION_ALPHABET[random(CONFIRMATION_ALPHABET.length)];
  return code;
}
