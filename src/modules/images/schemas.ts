import { z } from "@hono/zod-openapi";

const Alt = z
  .string()
  .trim()
  .max(500)
  .openapi({ description: "Text alternative for people who cannot see the image." });

export const UploadFormSchema = z
  .object({
    file: z
      .custom<File>((value) => value instanceof File, "Attach the image as a file in the `file` field")
      .openapi({ type: "string", format: "binary" }),
    alt: Alt.optional(),
  })
  .openapi("ImageUploadForm");

export const UploadQuery = z.object({
  alt: Alt.optional().openapi({ description: "Alt text, for raw-body uploads." }),
});

export const UpdateImageSchema = z
  .strictObject({
    alt: Alt.optional(),
    position: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .openapi({ description: "0 is first; the others shift to make room. Past the end means last." }),
  })
  .openapi("UpdateProductImage");

export const ImageParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, description: "Product id (`prd_…`)" }),
  image_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "image_id", in: "path" }, description: "Image id (`img_…`)" }),
});

export const ImageKeyParam = z.object({
  key: z
    .string()
    .min(1)
    .max(80)
    .openapi({ param: { name: "key", in: "path" }, description: "`<sha256>.<ext>`, from an image `url`." }),
});

export const ImageRequestHeaders = z.object({
  "if-none-match": z.string().optional(),
  range: z.string().optional().openapi({ description: "One byte range, such as `bytes=0-1023`." }),
  "if-range": z.string().optional(),
});

export const binary = (description: string, type = "image/*") => ({
  description,
  content: { [type]: { schema: z.string().openapi({ type: "string", format: "binary" }) } },
});
