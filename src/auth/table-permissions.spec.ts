import { permitsTable } from './table-permissions';

describe('permitsTable', () => {
  it('lets a bare table name cover that table on every connection', () => {
    expect(permitsTable(['orders'], 'orders')).toBe(true);
    expect(permitsTable(['orders'], 'orders', 'source')).toBe(true);
    expect(permitsTable(['orders'], 'orders', 'shop_eu')).toBe(true);
  });

  it('lets a qualified permission cover its connection only, when the request names it', () => {
    const permissions = ['shop_eu/orders'];
    expect(permitsTable(permissions, 'orders', 'shop_eu')).toBe(true);
    expect(permitsTable(permissions, 'orders', 'shop_us')).toBe(false);
    expect(permitsTable(permissions, 'orders', 'source')).toBe(false);
    // The bare route resolves the connection itself: only a bare permission covers it.
    expect(permitsTable(permissions, 'orders')).toBe(false);
  });

  it('lets the bare name win when a user holds both', () => {
    expect(permitsTable(['shop_eu/orders', 'orders'], 'orders', 'shop_us')).toBe(true);
  });

  it('does not mistake one table for another', () => {
    expect(permitsTable(['shop_eu/orders'], 'shop_eu/orders')).toBe(false);
    expect(permitsTable(['orders'], 'customers', 'shop_eu')).toBe(false);
  });
});
