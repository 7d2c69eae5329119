/**
 * Whether a user's table permissions let them read `table`:
 * - a bare table name (`orders`) covers that table on every connection, so reads by table name
 *   keep working wherever the table is archived from;
 * - a qualified one (`shop_eu/orders`) covers that connection only, and is honoured when the
 *   request names the connection (`?connection=shop_eu`).
 * The bare name is the wider grant and wins: a user holding `orders` reads it on every connection,
 * whatever qualified permissions they also hold. To confine a user to one connection's table,
 * grant only the qualified form.
 */
export function permitsTable(permissions: readonly string[], table: string, connection?: string): boolean {
  if (table.includes('/')) {
    // No permission can name such a table: `a/b` means table b of connection a.
    return false;
  }
  return permissions.includes(table) || (connection !== undefined && permissions.includes(`${connection}/${table}`));
}
