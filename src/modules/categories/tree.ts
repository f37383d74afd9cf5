import { type SQL, sql } from "drizzle-orm";

/**
 * The ids of a category and all its descendants, as a subquery for `IN (…)`. The
 * recursive CTE walks down `parent_id` in the database, however deep the tree, in
 * one statement and with one bound parameter. `UNION` (not `UNION ALL`) stops on
 * rows already seen, so even a corrupted tree cannot loop.
 */
export function categorySubtree(categoryId: string): SQL {
  return sql`(WITH RECURSIVE subtree(id) AS (
    SELECT ${categoryId}
    UNION
    SELECT c.id FROM categories c JOIN subtree ON c.parent_id = subtree.id
  ) SELECT id FROM subtree)`;
}

export interface TreeNode<T> {
  item: T;
  children: TreeNode<T>[];
}

/** Nests a flat, already ordered list by parent; orphans (parent unknown) become roots. */
export function buildTree<T extends { id: string; parentId: string | null }>(items: T[]): TreeNode<T>[] {
  const nodes = new Map(items.map((item) => [item.id, { item, children: [] as TreeNode<T>[] }]));
  const roots: TreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.item.parentId === null ? undefined : nodes.get(node.item.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
