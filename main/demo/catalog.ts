// What the demo shop sells. Popularity is skewed (a few products get most views) so per-product
// breakdowns look like a real storefront's.

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  popularity: number;
}

export const PRODUCTS: readonly Product[] = [
  { sku: 'SKU-1001', name: 'Jeweller’s loupe 10x', priceCents: 2490, popularity: 30 },
  { sku: 'SKU-1002', name: 'Triplet loupe 20x', priceCents: 3990, popularity: 18 },
  { sku: 'SKU-1003', name: 'Field binoculars 8x42', priceCents: 18900, popularity: 14 },
  { sku: 'SKU-1004', name: 'Compact binoculars 10x25', priceCents: 8900, popularity: 10 },
  { sku: 'SKU-1005', name: 'Pocket magnifier with light', priceCents: 1490, popularity: 9 },
  { sku: 'SKU-1006', name: 'Lens cleaning kit', priceCents: 990, popularity: 8 },
  { sku: 'SKU-1007', name: 'Spotting scope 20–60x', priceCents: 32900, popularity: 5 },
  { sku: 'SKU-1008', name: 'Tabletop tripod', priceCents: 2990, popularity: 4 },
  { sku: 'SKU-1009', name: 'Reading glass 3x', priceCents: 1990, popularity: 4 },
  { sku: 'SKU-1010', name: 'Stereo microscope kit', priceCents: 24900, popularity: 3 },
  { sku: 'SKU-1011', name: 'Hand lens 15x', priceCents: 1790, popularity: 3 },
  { sku: 'SKU-1012', name: 'Microfibre pouch', priceCents: 590, popularity: 2 },
];

const BY_SKU = new Map(PRODUCTS.map((p) => [p.sku, p]));

export function productBySku(sku: string): Product | undefined {
  return BY_SKU.get(sku);
}

/** The shape of a SKU; anything else is bad input the gateway rejects. */
export const SKU_PATTERN = /^SKU-\d{4}$/;

export const CURRENCY = 'EUR';
