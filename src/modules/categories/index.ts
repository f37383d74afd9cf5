export { allCategories, categoryExists, categoryIdBySlug } from "./queries";
export { buildTree, categorySubtree, type TreeNode } from "./tree";
