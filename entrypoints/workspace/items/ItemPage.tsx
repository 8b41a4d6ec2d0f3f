// Owned by the item page's work (issue 18): `#/items/<id>`.
export function ItemPage(_: { path: string; id?: string }) {
  return <section data-testid="item-page-placeholder">Item</section>;
}
