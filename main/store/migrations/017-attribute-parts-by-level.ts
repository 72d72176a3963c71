// Parts of the attribute search index (migration 015) are merged as they age, LSM-style: the
// writer writes small parts (level 0, every 512 traces) and merges each 16 of one level into one
// part of the next, up to level 2, so a search over an hour of a busy store reads tens of parts
// instead of thousands. Parts already written count as level 0 and are merged 16 at a time.
export const sql = /* sql */ `
ALTER TABLE attr_parts ADD COLUMN level INTEGER NOT NULL DEFAULT 0;
`;
