export { etagMatches } from "./delivery";
export { deleteImageRowsOf, releaseImageObjects } from "./storage";
