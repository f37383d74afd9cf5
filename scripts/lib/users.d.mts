// Types for users.mjs, so the test that checks it against the worker is type-checked.
export const ITERATIONS: number;
export function hashPassword(password: string): string;
export function passwordMatches(password: string, stored: string): boolean;
export function generatePassword(): string;
export function quote(value: string | null): string;
export function newId(prefix: string): string;
export function createUserSql(user: { email: string; name: string; password: string; role: string }): {
  id: string;
  sql: string;
};
