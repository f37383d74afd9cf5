export { allCategories, categoryExists, categoryIdBySlug, existingCategoryIds } from "./queries";
export { DeleteCategoryQuery } from "./schemas";
export { type CategoryProducts, deleteCategory } from "./service";
export { buildTree, categorySubtree, type TreeNode } from "./tree";
