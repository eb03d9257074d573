// Builds the three committed bundles into core/frontdesk/static/ (or into the folder given as
// the first argument, which check-bundle.sh uses to compare). Same source + same pinned
// esbuild version → byte-identical output.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(here, "..", "core", "frontdesk", "static"));
const common = {
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "none",
  charset: "ascii",
  sourcemap: false,
  logLevel: "warning",
  banner: { js: "/*! Frontdesk chat widget | Apache-2.0 | built from widget/src */" },
};

await build({ ...common, entryPoints: [path.join(here, "src", "loader.ts")], outfile: path.join(outdir, "widget.js") });
await build({ ...common, entryPoints: [path.join(here, "src", "app.ts")], outfile: path.join(outdir, "widget-app.js") });
// The call button's audio code, fetched only when a visitor presses "Call us".
await build({ ...common, entryPoints: [path.join(here, "src", "call.ts")], outfile: path.join(outdir, "widget-call.js") });
console.log("built widget.js, widget-app.js and widget-call.js into " + outdir);
