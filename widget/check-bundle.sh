#!/bin/sh
# CI guard: rebuild the widget from source into a temporary folder and fail if the committed
# bundle in core/frontdesk/static/ differs (someone edited src/ without rebuilding, or the reverse).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../core/frontdesk/static"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$here/build.sh" "$tmp" >/dev/null
status=0
for file in widget.js widget-app.js widget-call.js; do
  if ! cmp -s "$tmp/$file" "$static/$file"; then
    echo "widget bundle out of date: core/frontdesk/static/$file differs from a fresh build of widget/src (run widget/build.sh and commit)" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "widget bundle matches widget/src"
exit "$status"
