/** Rows an INSERT ... ON CONFLICT DO NOTHING RETURNING wrote (TypeORM hands back pg's rows). */
export function insertedRows(raw: unknown): number {
  return Array.isArray(raw) ? raw.length : 0;
}
