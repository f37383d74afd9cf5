export { countProductsInCategory, moveCategoryProducts } from "./category-links";
export { existingProductsQuery, findProductsBySku, findProductsForStock, markProductsOrdered } from "./lookup";
export {
  imagesOf,
  imagesOfQuery,
  loadProductRow,
  productStatusOf,
  publishedProductIds,
  withImages,
} from "./queries";
export { recomputeRating } from "./ratings";
export {
  type CreateProductInput,
  CreateProductSchema,
  catalogListQuery,
  ImageSchema,
  type ProductResponse,
  type UpdateProductInput,
  UpdateProductSchema,
} from "./schemas";
export { searchProducts } from "./search";
export { createProduct, deleteProduct, type ProductImageFiles, updateProduct } from "./service";
export { type ImageRow, toImageResponse, toProductResponse } from "./view";
export { productWriteRefusals, type WriteRefusal } from "./write-check";
export { commitProductChange, productChangeBatch } from "./writes";
