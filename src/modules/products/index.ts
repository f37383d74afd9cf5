export { countProductsInCategory, moveCategoryProducts } from "./category-links";
export { findProductsForStock, markProductsOrdered } from "./lookup";
export { productStatusOf, withImages } from "./queries";
export { recomputeRating } from "./ratings";
export { catalogListQuery, ImageSchema, type ProductResponse } from "./schemas";
export { searchProducts } from "./search";
export { type ImageRow, imagesOf, imagesOfQuery, loadProductRow, toImageResponse, toProductResponse } from "./view";
export { productChangeBatch } from "./writes";
