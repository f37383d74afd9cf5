export { etagMatches } from "./serving";
export { deleteImageRowsOf, releaseImageObjects } from "./storage";
