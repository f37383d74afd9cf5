/**
 * Import boundaries (docs/architecture.md, "Module boundaries"): a module is used by
 * others only through its index.ts; modules never depend on flows; no cycles between
 * modules or between files. `npm run check` runs this.
 */
module.exports = {
  forbidden: [
    {
      name: "module-deep-import",
      comment:
        "Another module's files are private: import what it exports from its index.ts (src/modules/<name>/index.ts).",
      severity: "error",
      from: { path: "^src/(?!modules/|app\\.ts$)|^src/modules/([^/]+)/" },
      to: {
        path: "^src/modules/([^/]+)/.+",
        pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "module-deep-import",
      comment: "The app mounts each module's router; nothing else may import a routes.ts of another module.",
      severity: "error",
      from: { path: "^src/app\\.ts$" },
      to: { path: "^src/modules/[^/]+/.+", pathNot: ["^src/modules/[^/]+/index\\.ts$", "(/|-)routes\\.ts$"] },
    },
    {
      name: "module-imports-flow",
      comment: "Flows compose modules; a module never reaches up into src/flows.",
      severity: "error",
      from: { path: "^src/modules/" },
      to: { path: "^src/flows/" },
    },
    {
      name: "no-module-cycle",
      comment: "Modules form a graph without cycles: move what needs both sides into src/flows/.",
      severity: "error",
      scope: "folder",
      from: { path: "^src/modules/[^/]+/?$" },
      to: { circular: true },
    },
    {
      name: "no-file-cycle",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // TypeScript 7 has no JS compiler API yet, so dependency-cruiser parses with swc;
    // type-only imports count as dependencies too.
    parser: "swc",
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^worker-configuration\\.d\\.ts$" },
  },
};
