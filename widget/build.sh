#!/bin/sh
# Rebuild the committed widget bundle: core/frontdesk/static/widget.js + widget-app.js.
# Usage: widget/build.sh [OUTDIR]
set -eu
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/esbuild ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs "$@"
